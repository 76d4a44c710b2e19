// API keys over a real SQLite store in a temporary directory: issuing, hashing, roles,
// authentication, revocation, the bootstrap key, and that a failing store leaves no key half
// issued or half revoked.
#include "services/api_key_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/sha256.h"
#include "common/uuid.h"
#include "testing/test_stores.h"

namespace mlops {
namespace {

using test::ForEachInjectedFault;
using ::testing::HasSubstr;
using ::testing::StartsWith;

class ApiKeyServiceTest : public ::testing::Test {
 protected:
  std::vector<ApiKey> StoredKeys() {
    auto page = ReadValue(stores_.real_metadata(), [](MetadataTx& tx) {
      return tx.ListApiKeys({0, 1000});
    });
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? page->items : std::vector<ApiKey>{};
  }

  test::TestStores stores_{"mlops-api-keys"};
  ApiKeyService keys_{stores_.metadata(), std::nullopt};
};

TEST_F(ApiKeyServiceTest, AnIssuedKeyIsStoredAsItsHashAndAuthenticatesWithItsRole) {
  StatusOr<IssuedKey> issued = keys_.Issue("ci pipeline", Role::kModelManager);
  ASSERT_TRUE(issued.ok()) << issued.status().ToString();
  EXPECT_THAT(issued->secret, StartsWith("mlops_"));
  EXPECT_GE(issued->secret.size(), 6u + 40u);  // 32 random bytes, base64

  const std::vector<ApiKey> stored = StoredKeys();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].id, issued->key.id);
  EXPECT_EQ(stored[0].name, "ci pipeline");
  EXPECT_EQ(stored[0].role, Role::kModelManager);
  EXPECT_EQ(stored[0].key_hash, Sha256Hex(issued->secret));
  EXPECT_EQ(stored[0].key_hash.find(issued->secret), std::string::npos);

  StatusOr<Principal> who = keys_.Authenticate(issued->secret);
  ASSERT_TRUE(who.ok()) << who.status().ToString();
  EXPECT_EQ(who->key_id, issued->key.id);
  EXPECT_EQ(who->name, "ci pipeline");
  EXPECT_EQ(who->role, Role::kModelManager);
}

TEST_F(ApiKeyServiceTest, EachIssueMakesADifferentSecret) {
  IssuedKey a = keys_.Issue("a", Role::kViewer).value();
  IssuedKey b = keys_.Issue("a", Role::kViewer).value();  // names need not be unique
  EXPECT_NE(a.secret, b.secret);
  EXPECT_NE(a.key.id, b.key.id);
  EXPECT_EQ(keys_.Authenticate(a.secret).value().key_id, a.key.id);
  EXPECT_EQ(keys_.Authenticate(b.secret).value().key_id, b.key.id);
}

TEST_F(ApiKeyServiceTest, UnknownMalformedAndAlteredKeysAreUnauthenticated) {
  IssuedKey issued = keys_.Issue("k", Role::kAdmin).value();
  std::string altered = issued.secret;
  altered.back() = altered.back() == 'A' ? 'B' : 'A';
  for (const std::string& presented :
       {std::string(), std::string("mlops_unknown"), altered, issued.secret + "x",
        std::string(257, 'a'), issued.key.key_hash}) {
    EXPECT_EQ(keys_.Authenticate(presented).status().code(), StatusCode::kUnauthenticated)
        << presented;
  }
}

TEST_F(ApiKeyServiceTest, IssueRejectsBadNamesAndStoresNothing) {
  for (const std::string& name :
       {std::string(), std::string(129, 'n'), std::string("tab\there"), std::string("del\x7f")}) {
    EXPECT_EQ(keys_.Issue(name, Role::kViewer).status().code(), StatusCode::kInvalidArgument);
  }
  EXPECT_TRUE(StoredKeys().empty());
  EXPECT_TRUE(keys_.Issue(std::string(128, 'n'), Role::kViewer).ok());
}

TEST_F(ApiKeyServiceTest, ARevokedKeyNoLongerAuthenticatesAndOthersStill) {
  IssuedKey gone = keys_.Issue("gone", Role::kAdmin).value();
  IssuedKey kept = keys_.Issue("kept", Role::kFeedbackWriter).value();
  ASSERT_TRUE(keys_.Revoke(gone.key.id).ok());
  EXPECT_EQ(keys_.Authenticate(gone.secret).status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(keys_.Authenticate(kept.secret).value().role, Role::kFeedbackWriter);
  EXPECT_EQ(keys_.Revoke(gone.key.id).code(), StatusCode::kNotFound);
  EXPECT_EQ(keys_.Revoke(NewUuid()).code(), StatusCode::kNotFound);
}

TEST_F(ApiKeyServiceTest, ListPagesThroughKeysAndCountsThemAll) {
  for (const char* name : {"a", "b", "c"}) ASSERT_TRUE(keys_.Issue(name, Role::kViewer).ok());
  StatusOr<Page<ApiKey>> page = keys_.List({1, 1});
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->total, 3);
  EXPECT_EQ(keys_.List({0, 10}).value().items.size(), 3u);
  EXPECT_TRUE(keys_.List({3, 10}).value().items.empty());
}

TEST_F(ApiKeyServiceTest, EnsureAdminKeyCreatesOneAdminKeyOnlyInAnEmptyStore) {
  StatusOr<std::optional<std::string>> secret = keys_.EnsureAdminKey();
  ASSERT_TRUE(secret.ok()) << secret.status().ToString();
  ASSERT_TRUE(secret->has_value());
  StatusOr<Principal> who = keys_.Authenticate(**secret);
  ASSERT_TRUE(who.ok());
  EXPECT_EQ(who->role, Role::kAdmin);
  EXPECT_EQ(who->name, "bootstrap-admin");
  // Once there is a key, no other is made (on every later start).
  EXPECT_EQ(keys_.EnsureAdminKey().value(), std::nullopt);
  EXPECT_EQ(StoredKeys().size(), 1u);
}

TEST_F(ApiKeyServiceTest, TheBootstrapKeyIsAnAdminThatIsNeverStored) {
  ApiKeyService keys(stores_.metadata(), std::string("bootstrap-secret"));
  EXPECT_EQ(keys.EnsureAdminKey().value(), std::nullopt);
  EXPECT_TRUE(StoredKeys().empty());
  StatusOr<Principal> who = keys.Authenticate("bootstrap-secret");
  ASSERT_TRUE(who.ok()) << who.status().ToString();
  EXPECT_EQ(who->key_id, std::nullopt);
  EXPECT_EQ(who->role, Role::kAdmin);
  // Checked without the store: it works while the database is down.
  stores_.faults().FailNth(1, test::InjectedFault());
  EXPECT_TRUE(keys.Authenticate("bootstrap-secret").ok());
  EXPECT_EQ(stores_.faults().calls(), 0);
  // Stored keys need the store, and a store failure is not a wrong key.
  EXPECT_EQ(keys.Authenticate("mlops_other").status().code(), StatusCode::kUnavailable);
}

// Crash safety: each store call fails in turn.

TEST_F(ApiKeyServiceTest, AFailedIssueLeavesNoKey) {
  const int faults = ForEachInjectedFault(stores_.faults(), [&](int n) {
    StatusOr<IssuedKey> issued = keys_.Issue("k" + std::to_string(n), Role::kAdmin);
    if (!stores_.faults().fired()) {
      EXPECT_TRUE(issued.ok()) << issued.status().ToString();
      return;
    }
    EXPECT_EQ(issued.status().code(), StatusCode::kUnavailable);
    EXPECT_TRUE(StoredKeys().empty()) << "fault " << n;
  });
  EXPECT_EQ(faults, 3);  // the transaction, the insert, the commit
  EXPECT_EQ(StoredKeys().size(), 1u);
}

TEST_F(ApiKeyServiceTest, AFailedRevokeLeavesTheKeyWorking) {
  IssuedKey issued = keys_.Issue("k", Role::kAdmin).value();
  const int faults = ForEachInjectedFault(stores_.faults(), [&](int n) {
    Status revoked = keys_.Revoke(issued.key.id);
    if (!stores_.faults().fired()) {
      EXPECT_TRUE(revoked.ok()) << revoked.ToString();
      return;
    }
    EXPECT_FALSE(revoked.ok());
    EXPECT_EQ(StoredKeys().size(), 1u) << "fault " << n;
  });
  EXPECT_EQ(faults, 3);
  EXPECT_TRUE(StoredKeys().empty());
}

TEST_F(ApiKeyServiceTest, AFailedEnsureAdminKeyReturnsNoSecretAndStoresNoKey) {
  const int faults = ForEachInjectedFault(stores_.faults(), [&](int n) {
    StatusOr<std::optional<std::string>> secret = keys_.EnsureAdminKey();
    if (!stores_.faults().fired()) {
      ASSERT_TRUE(secret.ok()) << secret.status().ToString();
      EXPECT_TRUE(secret->has_value());
      return;
    }
    // A secret shown for a key that was never stored would lock the operator out.
    EXPECT_FALSE(secret.ok()) << "fault " << n;
    EXPECT_TRUE(StoredKeys().empty()) << "fault " << n;
  });
  EXPECT_EQ(faults, 4);  // the transaction, the count, the insert, the commit
  EXPECT_EQ(StoredKeys().size(), 1u);
}

}  // namespace
}  // namespace mlops
