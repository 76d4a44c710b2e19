#include "services/api_key_service.h"

#include "common/sha256.h"
#include "common/uuid.h"
#include "domain/field_rules.h"

namespace mlops {
namespace {

constexpr char kKeyPrefix[] = "mlops_";

Status UnknownKey() { return Unauthenticated("invalid API key"); }

}  // namespace

ApiKeyService::ApiKeyService(MetadataStore& store, std::optional<std::string> bootstrap_admin_key)
    : store_(store) {
  if (bootstrap_admin_key) bootstrap_hash_ = Sha256Hex(*bootstrap_admin_key);
}

StatusOr<std::optional<std::string>> ApiKeyService::EnsureAdminKey() {
  if (bootstrap_hash_) return std::optional<std::string>();
  std::optional<std::string> secret;
  RETURN_IF_ERROR(store_.Write([&](MetadataTx& tx) -> Status {
    ASSIGN_OR_RETURN(std::int64_t count, tx.CountApiKeys());
    if (count > 0) return OkStatus();
    secret = kKeyPrefix + RandomToken(32);
    ApiKey key{NewUuid(), "bootstrap-admin", Role::kAdmin, Sha256Hex(*secret), NowMs()};
    return tx.InsertApiKey(key);
  }));
  return secret;
}

StatusOr<Principal> ApiKeyService::Authenticate(const std::string& presented) {
  if (presented.empty() || presented.size() > 256) return UnknownKey();
  const std::string hash = Sha256Hex(presented);
  if (bootstrap_hash_ && ConstantTimeEquals(hash, *bootstrap_hash_)) {
    return Principal{std::nullopt, "MLOPS_ADMIN_API_KEY", Role::kAdmin};
  }
  ASSIGN_OR_RETURN(auto found,
                   ReadValue(store_, [&](MetadataTx& tx) { return tx.FindApiKeyByHash(hash); }));
  if (!found || !ConstantTimeEquals(found->key_hash, hash)) return UnknownKey();
  return Principal{found->id, found->name, found->role};
}

StatusOr<IssuedKey> ApiKeyService::Issue(const std::string& name, Role role) {
  RETURN_IF_ERROR(CheckKeyName(name));
  IssuedKey issued;
  issued.secret = kKeyPrefix + RandomToken(32);
  issued.key = ApiKey{NewUuid(), name, role, Sha256Hex(issued.secret), NowMs()};
  RETURN_IF_ERROR(store_.Write([&](MetadataTx& tx) { return tx.InsertApiKey(issued.key); }));
  return issued;
}

StatusOr<Page<ApiKey>> ApiKeyService::List(PageRequest page) {
  return ReadValue(store_, [&](MetadataTx& tx) { return tx.ListApiKeys(page); });
}

Status ApiKeyService::Revoke(const std::string& id) {
  return store_.Write([&](MetadataTx& tx) { return tx.DeleteApiKey(id); });
}

}  // namespace mlops
