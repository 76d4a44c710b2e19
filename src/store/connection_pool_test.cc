#include "store/connection_pool.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace mlops {
namespace {

// A connection that counts how many are open.
struct FakeConnection {
  explicit FakeConnection(int* open) : open(open) { ++*open; }
  ~FakeConnection() { --*open; }
  int* open;
};

// A connection that can be lost, as PostgreSQL's.
struct LosableConnection : FakeConnection {
  using FakeConnection::FakeConnection;
  bool Healthy() const { return healthy; }
  bool healthy = true;
};

struct Counts {
  int open = 0;    // connections open now
  int opened = 0;  // connections ever opened
};

template <typename Connection>
ConnectionPool<Connection> CountingPool(Counts& counts, int capacity) {
  return ConnectionPool<Connection>(
      [&counts]() -> StatusOr<std::unique_ptr<Connection>> {
        ++counts.opened;
        return std::make_unique<Connection>(&counts.open);
      },
      capacity);
}

TEST(ConnectionPoolTest, ReusesAReturnedConnection) {
  Counts counts;
  auto pool = CountingPool<FakeConnection>(counts, 2);
  FakeConnection* first = nullptr;
  {
    auto lease = pool.Acquire();
    ASSERT_TRUE(lease.ok());
    first = &**lease;
  }
  auto again = pool.Acquire();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(&**again, first);
  EXPECT_EQ(counts.opened, 1);
}

TEST(ConnectionPoolTest, FailedOpenGivesItsSlotBack) {
  int attempts = 0;
  ConnectionPool<FakeConnection> pool(
      [&]() -> StatusOr<std::unique_ptr<FakeConnection>> {
        ++attempts;
        return Unavailable("no database");
      },
      1);
  EXPECT_EQ(pool.Acquire().status().code(), StatusCode::kUnavailable);
  // With the slot still taken, this would wait forever.
  EXPECT_EQ(pool.Acquire().status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(attempts, 2);
}

TEST(ConnectionPoolTest, DiscardedConnectionIsClosedAndReplaced) {
  Counts counts;
  auto pool = CountingPool<FakeConnection>(counts, 1);
  {
    auto lease = pool.Acquire();
    ASSERT_TRUE(lease.ok());
    lease->Discard();
    EXPECT_EQ(counts.open, 0);
  }
  EXPECT_TRUE(pool.Acquire().ok());
  EXPECT_EQ(counts.opened, 2);
}

TEST(ConnectionPoolTest, LostConnectionClosesTheIdleOnes) {
  Counts counts;
  auto pool = CountingPool<LosableConnection>(counts, 3);
  {
    auto a = pool.Acquire();
    auto b = pool.Acquire();
    ASSERT_TRUE(a.ok() && b.ok());
  }
  ASSERT_EQ(counts.open, 2);
  {
    auto lost = pool.Acquire();
    ASSERT_TRUE(lost.ok());
    (*lost)->healthy = false;
  }
  EXPECT_EQ(counts.open, 0);
  // Every slot is free again: three new connections at once.
  auto a = pool.Acquire();
  auto b = pool.Acquire();
  auto c = pool.Acquire();
  EXPECT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(counts.opened, 5);
}

}  // namespace
}  // namespace mlops
