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

template <typename Connection>
typename ConnectionPool<Connection>::Opener Opener(int* open, int* opened) {
  return [open, opened]() -> StatusOr<std::unique_ptr<Connection>> {
    ++*opened;
    return std::make_unique<Connection>(open);
  };
}

TEST(ConnectionPoolTest, ReusesAReturnedConnection) {
  int open = 0;
  int opened = 0;
  ConnectionPool<FakeConnection> pool(Opener<FakeConnection>(&open, &opened), 2);
  FakeConnection* first = nullptr;
  {
    auto lease = pool.Acquire();
    ASSERT_TRUE(lease.ok());
    first = &**lease;
  }
  auto again = pool.Acquire();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(&**again, first);
  EXPECT_EQ(opened, 1);
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
  int open = 0;
  int opened = 0;
  ConnectionPool<FakeConnection> pool(Opener<FakeConnection>(&open, &opened), 1);
  {
    auto lease = pool.Acquire();
    ASSERT_TRUE(lease.ok());
    lease->Discard();
    EXPECT_EQ(open, 0);
  }
  EXPECT_TRUE(pool.Acquire().ok());
  EXPECT_EQ(opened, 2);
}

TEST(ConnectionPoolTest, LostConnectionClosesTheIdleOnes) {
  int open = 0;
  int opened = 0;
  ConnectionPool<LosableConnection> pool(Opener<LosableConnection>(&open, &opened), 3);
  {
    auto a = pool.Acquire();
    auto b = pool.Acquire();
    ASSERT_TRUE(a.ok() && b.ok());
  }
  ASSERT_EQ(open, 2);
  {
    auto lost = pool.Acquire();
    ASSERT_TRUE(lost.ok());
    (*lost)->healthy = false;
  }
  EXPECT_EQ(open, 0);
  // Every slot is free again: three new connections at once.
  auto a = pool.Acquire();
  auto b = pool.Acquire();
  auto c = pool.Acquire();
  EXPECT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(opened, 5);
}

}  // namespace
}  // namespace mlops
