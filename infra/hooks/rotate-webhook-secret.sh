#!/bin/sh
# Rotates the webhook secret of the current azd environment without a refused delivery: runs
# `infra/deploy.sh --rotate-webhook-secret` on the apps the environment's outputs name, then records
# the new list in the environment, so the next `azd provision` writes the same value to Key Vault.
# Run it from the repository root: infra/hooks/rotate-webhook-secret.sh (infra/README.md).
set -eu
values="$(azd env get-values)"
value() { printf '%s\n' "$values" | sed -n "s/^$1=\"\\(.*\\)\"\$/\\1/p"; }
AZURE_RESOURCE_GROUP="$(value AZURE_RESOURCE_GROUP)" FUNCTION_APP_NAME="$(value FUNCTION_APP_NAME)" \
FUNCTION_APP_URL="$(value FUNCTION_APP_URL)" WEBJOB_APP_NAME="$(value WEBJOB_APP_NAME)" \
WEBJOB_NAME="$(value WEBJOB_NAME)" KEY_VAULT_NAME="$(value KEY_VAULT_NAME)"
export AZURE_RESOURCE_GROUP FUNCTION_APP_NAME FUNCTION_APP_URL WEBJOB_APP_NAME WEBJOB_NAME KEY_VAULT_NAME
"$(dirname "$0")/../deploy.sh" --rotate-webhook-secret
azd env set WEBHOOK_SECRETS "$(az keyvault secret show --vault-name "$KEY_VAULT_NAME" -n webhook-secrets --query value -o tsv)"
echo "WEBHOOK_SECRETS in the azd environment now matches Key Vault."
