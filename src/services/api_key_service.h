#pragma once

#include <optional>
#include <string>

#include "common/status.h"
#include "domain/entities.h"
#include "domain/page.h"
#include "store/metadata_store.h"

namespace mlops {

// Who made a request, once authenticated.
struct Principal {
  std::optional<std::string> key_id;  // nullopt for the MLOPS_ADMIN_API_KEY bootstrap key
  std::string name;
  Role role = Role::kViewer;
};

// A key just created: the secret is returned once and never stored.
struct IssuedKey {
  ApiKey key;
  std::string secret;
};

// API keys: issuing, listing, revoking, and authenticating requests. Keys are stored as SHA-256
// hashes and compared in constant time. Thread-safe.
class ApiKeyService {
 public:
  // `bootstrap_admin_key` is MLOPS_ADMIN_API_KEY, if set.
  ApiKeyService(MetadataStore& store, std::optional<std::string> bootstrap_admin_key);

  // If there is no bootstrap key and no key is stored yet, creates an admin key and returns its
  // secret (to be shown once); nullopt otherwise.
  StatusOr<std::optional<std::string>> EnsureAdminKey();

  // UNAUTHENTICATED for an unknown key; UNAVAILABLE if the store is down.
  StatusOr<Principal> Authenticate(const std::string& presented);

  // INVALID_ARGUMENT for a bad name.
  StatusOr<IssuedKey> Issue(const std::string& name, Role role);
  StatusOr<Page<ApiKey>> List(PageRequest page);
  // NOT_FOUND if there is no such key.
  Status Revoke(const std::string& id);

 private:
  MetadataStore& store_;
  std::optional<std::string> bootstrap_hash_;
};

}  // namespace mlops
