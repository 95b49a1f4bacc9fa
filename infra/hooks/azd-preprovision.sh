#!/bin/sh
# azd preprovision hook: make sure the two secrets exist in the azd environment before the first
# provision (generated once, then reused: re-provisioning never rotates them by accident), and fail
# early with a clear message when a required setting is missing.
set -eu

require() {
  if [ -z "$(azd env get-value "$1" 2>/dev/null || true)" ]; then
    echo "azd env is missing $1: run  azd env set $1 '<value>'  ($2)" >&2
    exit 1
  fi
}
require LEDGER_API_URL "HTTP base URL of the BigchainDB node"
require LEASING_COMPANY_PUBLIC_KEYS "space-separated base58 public keys of the trusted leasing companies"

if [ -z "$(azd env get-value WEBHOOK_SECRETS 2>/dev/null || true)" ]; then
  azd env set WEBHOOK_SECRETS "$(node "$(dirname "$0")/generate-secret.js" webhook)"
  echo "Generated WEBHOOK_SECRETS (stored in the azd environment and, on provision, in Key Vault)."
fi
if [ -z "$(azd env get-value WEBJOB_FUNCTION_KEY 2>/dev/null || true)" ]; then
  azd env set WEBJOB_FUNCTION_KEY "$(node "$(dirname "$0")/generate-secret.js" function-key)"
  echo "Generated WEBJOB_FUNCTION_KEY (the Function App host key \"webjob\")."
fi
