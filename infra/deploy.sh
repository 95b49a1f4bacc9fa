#!/usr/bin/env bash
# Deploys lease-premium with the az CLI alone: resource group, infrastructure (infra/main.bicep),
# the WebJob's host key, the Function App package, the WebJob package, then a smoke test. Safe to run
# again, and a run that failed half-way is mended by the next: every step converges on the state it
# reads from Azure (incremental ARM deployment, the host key the Function App really has copied to
# Key Vault, zip deploys, secrets kept unless you pass new ones). Needs az >= MIN_AZ_VERSION below.
# Run from anywhere; `infra/deploy.sh --help` lists the flags. infra/README.md has the walkthrough.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TEMPLATE="$REPO_ROOT/infra/main.bicep"
# Flex Consumption apps (config-zip one-deploy, host keys) need az 2.60.0 or later:
# https://learn.microsoft.com/en-us/azure/azure-functions/flex-consumption-how-to
MIN_AZ_VERSION=2.60.0

usage() {
  cat <<'USAGE'
Usage: infra/deploy.sh --resource-group RG [options]

Required (for the infrastructure step):
  --resource-group RG         resource group to create or update (an existing one keeps its tags;
                              its region must match --location)
  --ledger-url URL            HTTP base URL of the BigchainDB node (LEDGER_API_URL)
  --leasing-company-keys K    space-separated base58 public keys of trusted leasing companies
                              (LEASING_COMPANY_PUBLIC_KEYS); quote the list

Options:
  --location LOC              region (default: the group's region, else westeurope)
  --name-prefix P             3-11 lowercase letters/digits starting every resource name (default leaseprem)
  --subscription ID           subscription to use (default: az account's current one)
  --ledger-ws-url URL         stream URL (LEDGER_WS_URL); default: discovered from the node index
  --ledger-source ID          LEDGER_SOURCE (CloudEvents source, checkpoint partition);
                              default bigchaindb://<ledger host>
  --storage-name-prefix P     STORAGE_NAME_PREFIX (default leasepremium)
  --rate-table ID             RATE_TABLE (default us-illustrative)
  --log-level L               LOG_LEVEL: debug|info|warn|error (default info)
  --webjob-sku SKU            App Service plan SKU for the WebJob host (default B1)
  --webhook-secrets "S..."    set WEBHOOK_SECRETS (space-separated whsec_...; rotation: "old new",
                              later "new"). Default: keep the Key Vault value; generate on first deploy
  --deployer-object-id ID     object id granted Key Vault Secrets Officer (default: the signed-in
                              user or service principal, if Microsoft Graph can tell)
  --deployer-type T           User|ServicePrincipal|Group for --deployer-object-id (default: detected)
  --deployment-name N         ARM deployment name (default lease-premium)
  --deleted-key-vault ACTION  a soft-deleted Key Vault of this group (after a teardown) blocks the
                              deployment: "recover" it with its secrets, or "purge" it (destroys
                              them; fails if purge protection is on). Default: stop and say so
  --what-if                   show what the infrastructure step would change, then stop
  --rotate-webhook-secret     rotate WEBHOOK_SECRETS without a refused delivery, then stop (no
                              infrastructure or code step): publish "current new", make the Function
                              App then the WebJob read it, wait, publish "new", same order again
  --skip-package              deploy existing zips instead of running npm run package
  --packages-dir DIR          where the zips are (default .packages; e.g. a downloaded CI artifact)
  --skip-infra                do not deploy infrastructure (reads outputs of the last deployment)
  --skip-code                 do not deploy the Function App and WebJob packages
  --skip-smoke                do not run the smoke test
  -h, --help                  this text

Environment fallbacks: AZURE_RESOURCE_GROUP, AZURE_LOCATION, AZURE_SUBSCRIPTION_ID, NAME_PREFIX,
LEDGER_API_URL, LEDGER_WS_URL, LEDGER_SOURCE, LEASING_COMPANY_PUBLIC_KEYS, STORAGE_NAME_PREFIX, RATE_TABLE, LOG_LEVEL,
WEBJOB_SKU, DEPLOYER_OBJECT_ID, DEPLOYER_TYPE, DEPLOYMENT_NAME, PACKAGES_DIR, DELETED_KEY_VAULT (a flag
wins over its variable). DEPLOY_RETRY_SECONDS (default 10) is the first wait of every retry; waits
double up to 60 s, DEPLOY_RETRY_ATTEMPTS (default 10) tries in all. ROTATION_SETTLE_SECONDS (default
120): how long a rotation lets both apps run on "current new" before publishing "new" alone.
With --skip-infra, FUNCTION_APP_NAME, FUNCTION_APP_URL, WEBJOB_APP_NAME, WEBJOB_NAME and KEY_VAULT_NAME
(all set, as azd keeps the template's outputs) name the apps instead of the last deployment's outputs.
USAGE
}

die() { echo "deploy.sh: $*" >&2; exit 1; }
step() { echo; echo "==> $*"; }

# Every flag falls back to an environment variable (the names azd and the deploy workflow use).
RESOURCE_GROUP="${AZURE_RESOURCE_GROUP:-}" LOCATION="${AZURE_LOCATION:-}" NAME_PREFIX="${NAME_PREFIX:-leaseprem}"
SUBSCRIPTION="${AZURE_SUBSCRIPTION_ID:-}" LEDGER_URL="${LEDGER_API_URL:-}" LEDGER_WS_URL="${LEDGER_WS_URL:-}"
LEDGER_SOURCE="${LEDGER_SOURCE:-}"
LEASING_KEYS="${LEASING_COMPANY_PUBLIC_KEYS:-}" STORAGE_NAME_PREFIX="${STORAGE_NAME_PREFIX:-leasepremium}"
RATE_TABLE="${RATE_TABLE:-us-illustrative}" LOG_LEVEL="${LOG_LEVEL:-info}" WEBJOB_SKU="${WEBJOB_SKU:-B1}"
WEBHOOK_SECRETS_VALUE="" DEPLOYER_ID="${DEPLOYER_OBJECT_ID:-}" DEPLOYER_TYPE="${DEPLOYER_TYPE:-}"
DEPLOYMENT_NAME="${DEPLOYMENT_NAME:-lease-premium}" PACKAGES="${PACKAGES_DIR:-$REPO_ROOT/.packages}"
DELETED_KEY_VAULT="${DELETED_KEY_VAULT:-}"
WHAT_IF=0 ROTATE=0 SKIP_PACKAGE=0 SKIP_INFRA=0 SKIP_CODE=0 SKIP_SMOKE=0

need_value() { [[ $# -ge 2 && -n "$2" ]] || die "$1 needs a value (see --help)"; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --resource-group) need_value "$@"; RESOURCE_GROUP="$2"; shift 2 ;;
    --location) need_value "$@"; LOCATION="$2"; shift 2 ;;
    --name-prefix) need_value "$@"; NAME_PREFIX="$2"; shift 2 ;;
    --subscription) need_value "$@"; SUBSCRIPTION="$2"; shift 2 ;;
    --ledger-url) need_value "$@"; LEDGER_URL="$2"; shift 2 ;;
    --ledger-ws-url) need_value "$@"; LEDGER_WS_URL="$2"; shift 2 ;;
    --ledger-source) need_value "$@"; LEDGER_SOURCE="$2"; shift 2 ;;
    --leasing-company-keys) need_value "$@"; LEASING_KEYS="$2"; shift 2 ;;
    --storage-name-prefix) need_value "$@"; STORAGE_NAME_PREFIX="$2"; shift 2 ;;
    --rate-table) need_value "$@"; RATE_TABLE="$2"; shift 2 ;;
    --log-level) need_value "$@"; LOG_LEVEL="$2"; shift 2 ;;
    --webjob-sku) need_value "$@"; WEBJOB_SKU="$2"; shift 2 ;;
    --webhook-secrets) need_value "$@"; WEBHOOK_SECRETS_VALUE="$2"; shift 2 ;;
    --deployer-object-id) need_value "$@"; DEPLOYER_ID="$2"; shift 2 ;;
    --deployer-type) need_value "$@"; DEPLOYER_TYPE="$2"; shift 2 ;;
    --deployment-name) need_value "$@"; DEPLOYMENT_NAME="$2"; shift 2 ;;
    --packages-dir) need_value "$@"; PACKAGES="$2"; shift 2 ;;
    --deleted-key-vault) need_value "$@"; DELETED_KEY_VAULT="$2"; shift 2 ;;
    --what-if) WHAT_IF=1; shift ;;
    --rotate-webhook-secret) ROTATE=1; SKIP_INFRA=1; SKIP_CODE=1; shift ;;
    --skip-package) SKIP_PACKAGE=1; shift ;;
    --skip-infra) SKIP_INFRA=1; shift ;;
    --skip-code) SKIP_CODE=1; shift ;;
    --skip-smoke) SKIP_SMOKE=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done

# --- validate input before touching Azure ----------------------------------------------------
[[ "$PACKAGES" = /* ]] || PACKAGES="$PWD/$PACKAGES"
[[ -n "$RESOURCE_GROUP" ]] || die "--resource-group is required"
[[ "$NAME_PREFIX" =~ ^[a-z][a-z0-9]{2,10}$ ]] || die "--name-prefix must be 3-11 lowercase letters/digits, starting with a letter (got '$NAME_PREFIX')"
[[ "$LOG_LEVEL" =~ ^(debug|info|warn|error)$ ]] || die "--log-level must be debug|info|warn|error"
[[ -z "$DELETED_KEY_VAULT" || "$DELETED_KEY_VAULT" =~ ^(recover|purge)$ ]] || die "--deleted-key-vault must be recover or purge"
[[ "$STORAGE_NAME_PREFIX" =~ ^[a-z][a-z0-9]{2,39}$ ]] || die "--storage-name-prefix must be 3-40 lowercase letters/digits, starting with a letter"
if [[ $SKIP_INFRA -eq 0 ]]; then
  [[ "$LEDGER_URL" =~ ^https?:// ]] || die "--ledger-url must be an http(s) URL (got '$LEDGER_URL')"
  [[ -z "$LEDGER_WS_URL" || "$LEDGER_WS_URL" =~ ^wss?:// ]] || die "--ledger-ws-url must be a ws(s) URL"
  [[ -n "${LEASING_KEYS// /}" ]] || die "--leasing-company-keys is required (space-separated base58 public keys)"
  for key in $LEASING_KEYS; do
    [[ "$key" =~ ^[1-9A-HJ-NP-Za-km-z]{32,44}$ ]] || die "--leasing-company-keys: '$key' is not a base58 ed25519 public key"
  done
fi
if [[ -n "$WEBHOOK_SECRETS_VALUE" ]]; then
  for secret in $WEBHOOK_SECRETS_VALUE; do
    [[ "$secret" =~ ^whsec_[A-Za-z0-9+/]+=*$ ]] || die "--webhook-secrets: each secret must look like whsec_<base64>"
  done
fi
command -v az >/dev/null || die "the Azure CLI (az) is not installed"
command -v node >/dev/null || die "node is not installed"

# az version: https://learn.microsoft.com/en-us/cli/azure/reference-index#az-version
AZ_VERSION="$(az version --query '"azure-cli"' -o tsv)" || die "cannot read the Azure CLI's version (az version)"
[[ "$(printf '%s\n%s\n' "$MIN_AZ_VERSION" "$AZ_VERSION" | sort -V | head -n 1)" == "$MIN_AZ_VERSION" ]] \
  || die "Azure CLI $AZ_VERSION is too old: deploy.sh needs $MIN_AZ_VERSION or later (az upgrade)"

[[ -z "$SUBSCRIPTION" ]] || az account set --subscription "$SUBSCRIPTION"
SUBSCRIPTION_ID="$(az account show --query id -o tsv)" || die "not logged in: run az login"
echo "Azure CLI $AZ_VERSION; subscription $SUBSCRIPTION_ID, resource group $RESOURCE_GROUP, prefix $NAME_PREFIX"
# Take the Key Vault token now, while the login is fresh: a federated (OIDC) login cannot be refreshed
# once its assertion expires (minutes), and az reuses a cached token for its whole lifetime.
az account get-access-token --resource https://vault.azure.net -o none || die "cannot get a Key Vault token (az login again)"

ERR_FILE="$(mktemp)"; SECRET_FILE="$(mktemp)"; chmod 600 "$SECRET_FILE"; PARAMS_FILE=""
trap 'rm -f "$ERR_FILE" "$SECRET_FILE" ${PARAMS_FILE:+"$PARAMS_FILE"}' EXIT

# Runs a command until it succeeds, waiting DEPLOY_RETRY_SECONDS, then twice as long each time (at most
# 60 s), DEPLOY_RETRY_ATTEMPTS tries in all; each failure's message is shown. For what Azure answers
# transiently: a Flex app's host starting, a deployment racing it.
retry() {
  local what="$1" attempt=1 delay="${DEPLOY_RETRY_SECONDS:-10}"; shift
  until "$@"; do
    if (( attempt >= ${DEPLOY_RETRY_ATTEMPTS:-10} )); then echo "deploy.sh: $what failed $attempt times" >&2; return 1; fi
    echo "$what failed (attempt $attempt); retrying in ${delay} s" >&2
    sleep "$delay"; attempt=$((attempt + 1)); delay=$(( delay * 2 > 60 ? 60 : delay * 2 ))
  done
}

# A Key Vault data-plane call (az keyvault secret ...). Retried only while the caller's role assignment
# is still propagating (Forbidden, minutes after the first deployment); any other error is shown and
# fails. A missing secret prints nothing and succeeds.
vault() {
  local attempt=1 delay="${DEPLOY_RETRY_SECONDS:-10}"
  while :; do
    if az keyvault secret "$@" 2>"$ERR_FILE"; then return 0; fi
    if grep -q 'SecretNotFound' "$ERR_FILE"; then return 0; fi
    if grep -q 'Forbidden' "$ERR_FILE" && (( attempt < ${DEPLOY_RETRY_ATTEMPTS:-10} )); then
      echo "waiting for Key Vault data access on $KEY_VAULT (attempt $attempt; needs Key Vault Secrets Officer: --deployer-object-id)" >&2
      sleep "$delay"; attempt=$((attempt + 1)); delay=$(( delay * 2 > 60 ? 60 : delay * 2 )); continue
    fi
    cat "$ERR_FILE" >&2; return 1
  done
}
read_secret() { vault show --vault-name "$KEY_VAULT" -n "$1" --query value -o tsv; }
# The value goes through a mode-600 file, never the command line.
write_secret() { printf '%s' "$2" > "$SECRET_FILE"; vault set --vault-name "$KEY_VAULT" -n "$1" --file "$SECRET_FILE" --encoding utf-8 -o none; }
# Makes an app read its Key Vault references now rather than within a day: App Service fetches them
# again on any configuration change, which also restarts the app
# (https://learn.microsoft.com/en-us/azure/app-service/app-service-key-vault-references#rotation).
# The marker setting is left for the next infrastructure deployment to remove. $1: functionapp|webapp.
reload_secrets() {
  az "$1" config appsettings set -g "$RESOURCE_GROUP" -n "$2" --settings "SECRETS_RELOADED_AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)" -o none
}

# Outputs of the last infrastructure deployment (JSON object name -> value).
read_outputs() {
  az deployment group show -g "$RESOURCE_GROUP" -n "$DEPLOYMENT_NAME" \
    --query properties.outputs -o json 2>/dev/null \
    | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const o=JSON.parse(s||"null");if(!o)process.exit(1);const r={};for(const[k,v]of Object.entries(o))r[k]=v.value;process.stdout.write(JSON.stringify(r))})'
}
output() { node -e 'const o=JSON.parse(process.argv[1]);const v=o[process.argv[2]];if(v===undefined){console.error("missing output "+process.argv[2]);process.exit(1)}process.stdout.write(String(v))' "$OUTPUTS" "$1"; }

# A Key Vault secret exists? Asked through ARM (metadata only), so no data-plane role is needed.
KEY_VAULT=""
secret_exists() {
  [[ -n "$KEY_VAULT" ]] || return 1
  az resource show --api-version 2023-07-01 \
    --ids "/subscriptions/$SUBSCRIPTION_ID/resourceGroups/$RESOURCE_GROUP/providers/Microsoft.KeyVault/vaults/$KEY_VAULT/secrets/$1" \
    >/dev/null 2>&1
}

# --- infrastructure --------------------------------------------------------------------------
if [[ $SKIP_INFRA -eq 0 ]]; then
  step "Resource group"
  # An existing group is used as it is (az group create would replace its tags); the resources go to
  # its region, so another --location is a mistake to report, not to deploy.
  if [[ "$(az group exists -n "$RESOURCE_GROUP")" == "true" ]]; then
    existing_location="$(az group show -n "$RESOURCE_GROUP" --query location -o tsv)"
    wanted="$(tr -d ' ' <<<"${LOCATION,,}")"
    [[ -z "$wanted" || "$wanted" == "${existing_location,,}" ]] \
      || die "resource group $RESOURCE_GROUP exists in $existing_location, not in $LOCATION: pass --location $existing_location (or another group)"
    LOCATION="$existing_location"
    echo "exists in $existing_location (tags left as they are)"
  else
    LOCATION="${LOCATION:-westeurope}"
    if [[ $WHAT_IF -eq 1 ]]; then
      echo "resource group $RESOURCE_GROUP does not exist: everything would be created in $LOCATION (what-if needs the group to say more)"
      exit 0
    fi
    az group create -n "$RESOURCE_GROUP" -l "$LOCATION" --tags project=lease-premium -o none
    echo "created in $LOCATION"
  fi

  KEY_VAULT="$(az keyvault list -g "$RESOURCE_GROUP" --query "[?starts_with(name, '${NAME_PREFIX}-kv-')].name | [0]" -o tsv)"
  if [[ -z "$KEY_VAULT" ]]; then
    # After a teardown the vault stays soft-deleted (7 days) and its name cannot be reused until it is
    # recovered or purged: https://learn.microsoft.com/en-us/azure/key-vault/general/key-vault-recovery
    # shellcheck disable=SC2016 # the single-quoted text is JavaScript (a template literal)
    deleted="$(az keyvault list-deleted --resource-type vault -o json | RG="$RESOURCE_GROUP" PREFIX="$NAME_PREFIX-kv-" node -e '
      let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
        const groupPart = `/resourcegroups/${process.env.RG.toLowerCase()}/`;
        const hit = (JSON.parse(s || "[]") || []).find((v) => v.name.startsWith(process.env.PREFIX) && String(v.properties?.vaultId ?? "").toLowerCase().includes(groupPart));
        if (hit) process.stdout.write(`${hit.name} ${hit.properties.location}`);
      });')" || die "cannot list soft-deleted Key Vaults (az keyvault list-deleted)"
    if [[ -n "$deleted" ]]; then
      read -r deleted_name deleted_location <<<"$deleted"
      case "$DELETED_KEY_VAULT" in
        recover)
          step "Recovering soft-deleted Key Vault $deleted_name (with its secrets)"
          if [[ $WHAT_IF -eq 1 ]]; then echo "what-if: would recover $deleted_name"
          else az keyvault recover --name "$deleted_name" --location "$deleted_location" -o none; KEY_VAULT="$deleted_name"; fi ;;
        purge)
          step "Purging soft-deleted Key Vault $deleted_name (its secrets are destroyed)"
          if [[ $WHAT_IF -eq 1 ]]; then echo "what-if: would purge $deleted_name"
          else az keyvault purge --name "$deleted_name" --location "$deleted_location" -o none; fi ;;
        *) die "Key Vault $deleted_name of this group is soft-deleted (an earlier teardown) and blocks its name: rerun with --deleted-key-vault recover (keeps its secrets) or --deleted-key-vault purge (destroys them)" ;;
      esac
    fi
  fi
  if [[ -z "$WEBHOOK_SECRETS_VALUE" ]] && ! secret_exists webhook-secrets; then
    WEBHOOK_SECRETS_VALUE="$(node "$REPO_ROOT/infra/hooks/generate-secret.js" webhook)"
    echo "First deployment: generated WEBHOOK_SECRETS (stored only in Key Vault)."
  fi

  if [[ -z "$DEPLOYER_ID" ]]; then
    if [[ "$(az account show --query user.type -o tsv)" == "user" ]]; then
      DEPLOYER_ID="$(az ad signed-in-user show --query id -o tsv 2>/dev/null || true)"; DEPLOYER_TYPE="${DEPLOYER_TYPE:-User}"
    else
      DEPLOYER_ID="$(az ad sp show --id "$(az account show --query user.name -o tsv)" --query id -o tsv 2>/dev/null || true)"; DEPLOYER_TYPE="${DEPLOYER_TYPE:-ServicePrincipal}"
    fi
    [[ -n "$DEPLOYER_ID" ]] || echo "note: could not look up your object id; pass --deployer-object-id to manage secrets with the CLI"
  fi

  # Parameters go through a private temp file: secrets never appear on a command line.
  PARAMS_FILE="$(mktemp)"; chmod 600 "$PARAMS_FILE"
  # shellcheck disable=SC2016 # the single-quoted text is JavaScript; $schema is a JSON key
  NAME_PREFIX="$NAME_PREFIX" LOCATION="$LOCATION" LEDGER_URL="$LEDGER_URL" LEDGER_WS_URL="$LEDGER_WS_URL" \
  LEDGER_SOURCE="$LEDGER_SOURCE" LEASING_KEYS="$LEASING_KEYS" STORAGE_NAME_PREFIX="$STORAGE_NAME_PREFIX" RATE_TABLE="$RATE_TABLE" \
  LOG_LEVEL="$LOG_LEVEL" WEBJOB_SKU="$WEBJOB_SKU" WEBHOOK_SECRETS_VALUE="$WEBHOOK_SECRETS_VALUE" \
  DEPLOYER_ID="$DEPLOYER_ID" DEPLOYER_TYPE="${DEPLOYER_TYPE:-User}" \
  node -e '
    const e = process.env; const p = {
      namePrefix: e.NAME_PREFIX, location: e.LOCATION, ledgerApiUrl: e.LEDGER_URL, ledgerWsUrl: e.LEDGER_WS_URL, ledgerSource: e.LEDGER_SOURCE,
      leasingCompanyPublicKeys: e.LEASING_KEYS.trim().split(/\s+/).join(" "), storageNamePrefix: e.STORAGE_NAME_PREFIX,
      rateTable: e.RATE_TABLE, logLevel: e.LOG_LEVEL, webjobPlanSku: e.WEBJOB_SKU,
      webhookSecrets: e.WEBHOOK_SECRETS_VALUE, webjobFunctionKey: "", // the host key step below owns it
      deployerPrincipalId: e.DEPLOYER_ID, deployerPrincipalType: e.DEPLOYER_TYPE };
    const out = { $schema: "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", contentVersion: "1.0.0.0", parameters: {} };
    for (const [k, v] of Object.entries(p)) out.parameters[k] = { value: v };
    process.stdout.write(JSON.stringify(out));' > "$PARAMS_FILE"

  if [[ $WHAT_IF -eq 1 ]]; then
    step "What-if (no changes are made)"
    az deployment group what-if -g "$RESOURCE_GROUP" -n "$DEPLOYMENT_NAME" \
      --template-file "$TEMPLATE" --parameters "@$PARAMS_FILE"
    exit 0
  fi

  step "Infrastructure (infra/main.bicep)"
  # A brand-new Flex app's host can answer ARM with ServiceUnavailable while it starts; the deployment
  # is incremental, so repeating it converges.
  retry "infrastructure deployment" az deployment group create -g "$RESOURCE_GROUP" -n "$DEPLOYMENT_NAME" \
    --template-file "$TEMPLATE" --parameters "@$PARAMS_FILE" -o none \
    || die "infrastructure deployment failed (az deployment operation group list -g $RESOURCE_GROUP -n $DEPLOYMENT_NAME shows why)"
  echo "done"
fi

if [[ $SKIP_INFRA -eq 1 && -n "${FUNCTION_APP_NAME:-}" && -n "${FUNCTION_APP_URL:-}" && -n "${WEBJOB_APP_NAME:-}" && -n "${WEBJOB_NAME:-}" && -n "${KEY_VAULT_NAME:-}" ]]; then
  FUNCTION_APP="$FUNCTION_APP_NAME" WEBJOB_APP="$WEBJOB_APP_NAME" KEY_VAULT="$KEY_VAULT_NAME"
else
  OUTPUTS="$(read_outputs)" || die "no deployment '$DEPLOYMENT_NAME' in $RESOURCE_GROUP: run without --skip-infra first"
  FUNCTION_APP="$(output FUNCTION_APP_NAME)"
  FUNCTION_APP_URL="$(output FUNCTION_APP_URL)"
  WEBJOB_APP="$(output WEBJOB_APP_NAME)"
  WEBJOB_NAME="$(output WEBJOB_NAME)"
  KEY_VAULT="$(output KEY_VAULT_NAME)"
fi

# --- the WebJob's function key -----------------------------------------------------------------
# Converges on what the Function App really has, every run: its host key "webjob" (created once if
# missing) is copied to the Key Vault secret the WebJob's WEBHOOK_FUNCTION_KEY references, and the web
# app reads it again when it changed. So a run that failed after storing one half is mended by
# the next. Keys: https://learn.microsoft.com/en-us/cli/azure/functionapp/keys
if [[ $SKIP_INFRA -eq 0 ]]; then
  step "WebJob function key (host key 'webjob' of $FUNCTION_APP -> Key Vault $KEY_VAULT)"
  # shellcheck disable=SC2317 # called through retry
  list_host_key() { az functionapp keys list -g "$RESOURCE_GROUP" -n "$FUNCTION_APP" --query functionKeys.webjob -o tsv; }
  host_key="$(retry "reading the Function App's host keys (its host may still be starting)" list_host_key)" || die "the Function App $FUNCTION_APP never answered for its host keys"
  if [[ -z "$host_key" ]]; then
    host_key="$(node "$REPO_ROOT/infra/hooks/generate-secret.js" function-key)"
    # Through ARM with the value in a file (az functionapp keys set would put it on the command line):
    # https://learn.microsoft.com/en-us/rest/api/appservice/web-apps/create-or-update-host-secret
    printf '{"properties":{"name":"webjob","value":"%s"}}' "$host_key" > "$SECRET_FILE"
    retry "creating host key 'webjob'" az rest --method put \
      --url "https://management.azure.com/subscriptions/$SUBSCRIPTION_ID/resourceGroups/$RESOURCE_GROUP/providers/Microsoft.Web/sites/$FUNCTION_APP/host/default/functionKeys/webjob?api-version=2024-04-01" \
      --body "@$SECRET_FILE" -o none || die "could not create the host key 'webjob' on $FUNCTION_APP"
    echo "created the host key 'webjob'"
  fi
  stored_key="$(read_secret webjob-function-key)" || die "cannot read webjob-function-key from $KEY_VAULT"
  if [[ "$stored_key" == "$host_key" ]]; then
    echo "Key Vault holds the Function App's key"
  else
    write_secret webjob-function-key "$host_key" || die "cannot write webjob-function-key to $KEY_VAULT"
    reload_secrets webapp "$WEBJOB_APP"
    echo "stored the Function App's key in Key Vault; $WEBJOB_APP reads it again (restarts)"
  fi
fi

# --- webhook secret rotation ------------------------------------------------------------------
# The WebJob signs with every secret of the list, the Function App accepts any: publishing "current
# new", then "new", with each app reading the list in between, keeps one secret shared by both at
# every moment. In each phase the Function App (the side that accepts) reads first, then the WebJob.
if [[ $ROTATE -eq 1 ]]; then
  step "Rotating the webhook secret (Key Vault $KEY_VAULT)"
  current="$(read_secret webhook-secrets)" || die "cannot read webhook-secrets from $KEY_VAULT"
  [[ -n "$current" ]] || die "$KEY_VAULT holds no webhook-secrets to rotate: deploy first"
  new_secret="$(node "$REPO_ROOT/infra/hooks/generate-secret.js" webhook)"
  # shellcheck disable=SC2317 # called through retry
  health_answers() { node -e 'fetch(process.argv[1], { signal: AbortSignal.timeout(10000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$FUNCTION_APP_URL/api/health"; }
  publish_and_reload() {
    write_secret webhook-secrets "$1" || die "cannot write webhook-secrets to $KEY_VAULT"
    reload_secrets functionapp "$FUNCTION_APP"
    retry "waiting for $FUNCTION_APP to answer /api/health" health_answers || die "$FUNCTION_APP did not come back"
    reload_secrets webapp "$WEBJOB_APP"
  }
  echo "phase 1: both secrets (the current list and a new one)"
  publish_and_reload "$current $new_secret"
  echo "letting both apps run on both secrets for ${ROTATION_SETTLE_SECONDS:-120} s"
  sleep "${ROTATION_SETTLE_SECONDS:-120}"
  echo "phase 2: the new secret alone"
  publish_and_reload "$new_secret"
  echo "rotated; check the Function App log for 'webhook refused' (there should be none)"
  exit 0
fi

# --- code ------------------------------------------------------------------------------------
if [[ $SKIP_CODE -eq 0 ]]; then
  if [[ $SKIP_PACKAGE -eq 0 ]]; then
    step "Packages (npm run package)"
    (cd "$REPO_ROOT" && npm run package -- --out "$PACKAGES")
  fi
  [[ -f "$PACKAGES/function-app.zip" && -f "$PACKAGES/webjob.zip" ]] || die "missing $PACKAGES/function-app.zip or webjob.zip: run npm run package"

  step "Function App $FUNCTION_APP (Flex Consumption one-deploy, no remote build)"
  az functionapp deployment source config-zip -g "$RESOURCE_GROUP" -n "$FUNCTION_APP" \
    --src "$PACKAGES/function-app.zip" -o none

  step "WebJob $WEBJOB_NAME on $WEBJOB_APP"
  az webapp deploy -g "$RESOURCE_GROUP" -n "$WEBJOB_APP" --src-path "$PACKAGES/webjob.zip" --type zip -o none
fi

# --- smoke test ------------------------------------------------------------------------------
if [[ $SKIP_SMOKE -eq 0 ]]; then
  step "Smoke test"
  # Real errors stop here with az's own message; only a role assignment still propagating is waited for.
  webhook_secrets="$(read_secret webhook-secrets)" || die "cannot read webhook-secrets from $KEY_VAULT"
  function_key="$(read_secret webjob-function-key)" || die "cannot read webjob-function-key from $KEY_VAULT"
  [[ -n "$webhook_secrets" && -n "$function_key" ]] || die "$KEY_VAULT lacks webhook-secrets or webjob-function-key: run without --skip-infra"
  [[ -f "$REPO_ROOT/devstack/dist/package/smoke-cli.js" ]] || (cd "$REPO_ROOT" && npx tsc -b devstack)
  SMOKE_WEBHOOK_SECRETS="$webhook_secrets" SMOKE_FUNCTION_KEY="$function_key" \
    node "$REPO_ROOT/devstack/dist/package/smoke-cli.js" --url "$FUNCTION_APP_URL" --attempts 20 --interval-seconds 15

  echo "WebJob status:"
  az webapp webjob continuous list -g "$RESOURCE_GROUP" -n "$WEBJOB_APP" \
    --query "[?contains(name, '$WEBJOB_NAME')].{name:name, status:status}" -o table || true
fi

step "Done"
echo "Function App: $FUNCTION_APP_URL   WebJob host: $WEBJOB_APP   Key Vault: $KEY_VAULT"
