// Key Vault (RBAC mode) holding the two secrets the apps read through Key Vault references:
// WEBHOOK_SECRETS (both apps) and the function key the WebJob sends (WEBHOOK_FUNCTION_KEY).
// A secret is written only when a value is passed: an empty parameter keeps the stored value, so a
// redeploy never needs the secret in hand and never rotates it by accident.

param name string
param location string
param tags object

@secure()
param webhookSecrets string

@secure()
param webjobFunctionKey string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    publicNetworkAccess: 'Enabled'
  }
}

resource webhookSecretsSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(webhookSecrets)) {
  parent: vault
  name: 'webhook-secrets'
  properties: {
    value: webhookSecrets
    contentType: 'WEBHOOK_SECRETS: space-separated Standard Webhooks secrets (whsec_<base64>)'
  }
}

resource webjobFunctionKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(webjobFunctionKey)) {
  parent: vault
  name: 'webjob-function-key'
  properties: {
    value: webjobFunctionKey
    contentType: 'WEBHOOK_FUNCTION_KEY: Function App host key "webjob"'
  }
}

output name string = vault.name
// Unversioned URIs: App Service re-reads the latest version (within 24 h, or at once on restart).
// They locate the secrets; they are not secrets themselves.
#disable-next-line outputs-should-not-contain-secrets
output webhookSecretsUri string = '${vault.properties.vaultUri}secrets/webhook-secrets'
#disable-next-line outputs-should-not-contain-secrets
output webjobFunctionKeyUri string = '${vault.properties.vaultUri}secrets/webjob-function-key'
