// lease-premium on Azure: the Function App (Flex Consumption), the web app hosting the continuous
// WebJob, their storage, Key Vault, monitoring and managed identities, in one resource group.
// Deployed by `azd up` (azure.yaml) or `infra/deploy.sh` (az CLI); README.md in this folder.
targetScope = 'resourceGroup'

@description('Lowercase letters and digits, 3-11 characters; starts every resource name.')
@minLength(3)
@maxLength(11)
param namePrefix string = 'leaseprem'

@description('Region of every resource; defaults to the resource group\'s.')
param location string = resourceGroup().location

@description('azd environment name (becomes a tag); empty outside azd.')
param environmentName string = ''

@description('HTTP base URL of the BigchainDB node the WebJob follows (LEDGER_API_URL).')
param ledgerApiUrl string

@description('WebSocket URL of the valid_transactions stream (LEDGER_WS_URL); empty = discover from the node index.')
param ledgerWsUrl string = ''

@description('LEDGER_SOURCE: CloudEvents source and checkpoint partition; empty = bigchaindb://<ledger host>. Changing it restarts the stream from WEBJOB_START_POSITION.')
param ledgerSource string = ''

@description('Space-separated base58 public keys of the trusted leasing companies (LEASING_COMPANY_PUBLIC_KEYS).')
param leasingCompanyPublicKeys string

@description('STORAGE_NAME_PREFIX: every table, queue and container name derives from it (lowercase letters and digits, starting with a letter).')
@minLength(3)
@maxLength(40)
param storageNamePrefix string = 'leasepremium'

@description('RATE_TABLE: the rate table set the Function App prices with.')
param rateTable string = 'us-illustrative'

@description('WEBHOOK_TOLERANCE_SECONDS: accepted clock skew of webhook timestamps.')
param webhookToleranceSeconds int = 300

@description('LOG_LEVEL of the WebJob (the Function App logs through host.json).')
@allowed(['debug', 'info', 'warn', 'error'])
param logLevel string = 'info'

@secure()
@description('WEBHOOK_SECRETS ("whsec_<base64>", space-separated). Empty keeps the value stored in Key Vault.')
param webhookSecrets string = ''

@secure()
@description('Host key "webjob" of the Function App, sent by the WebJob. Empty keeps the stored key.')
param webjobFunctionKey string = ''

@description('Object id of the person or pipeline that deploys; gets Key Vault Secrets Officer (rotation, smoke test). Empty: none.')
param deployerPrincipalId string = ''

@allowed(['User', 'ServicePrincipal', 'Group'])
param deployerPrincipalType string = 'User'

@description('Flex Consumption: most instances the Function App scales out to.')
param functionMaximumInstanceCount int = 40

@allowed([512, 2048, 4096])
param functionInstanceMemoryMB int = 2048

@description('App Service plan SKU of the WebJob host (Basic or above for Always On).')
@allowed(['B1', 'B2', 'B3', 'S1', 'S2', 'S3', 'P0v3', 'P1v3', 'P2v3', 'P3v3'])
param webjobPlanSku string = 'B1'

@description('Log Analytics daily ingestion cap in GB (cost guard); -1 = no cap.')
param logDailyCapGb int = 1

@description('Resource id of an action group the alert rules notify; empty = alerts show in the portal only.')
param alertActionGroupId string = ''

@description('Alert when the WebJob\'s oldest undelivered ledger height is older than this (webjob_lag_seconds).')
@minValue(30)
param alertLagThresholdSeconds int = 300

// Folder name of the continuous WebJob inside App_Data/jobs/continuous/ (the package CLI uses the same).
var webjobName = 'ledger-bridge'

var token = take(uniqueString(subscription().id, resourceGroup().id, namePrefix), 6)
var tags = union({ project: 'lease-premium' }, empty(environmentName) ? {} : { 'azd-env-name': environmentName })
var deploymentContainerName = 'function-app-package'

// Built-in role definition ids (learn.microsoft.com/azure/role-based-access-control/built-in-roles).
var roleIds = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource functionIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${namePrefix}-func-id-${token}'
  location: location
  tags: tags
}

resource webjobIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${namePrefix}-webjob-id-${token}'
  location: location
  tags: tags
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: take(toLower('${namePrefix}st${token}'), 24)
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: '${namePrefix}-log-${token}'
    appInsightsName: '${namePrefix}-appi-${token}'
    location: location
    tags: tags
    dailyCapGb: logDailyCapGb
  }
}

module keyVault 'modules/key-vault.bicep' = {
  name: 'key-vault'
  params: {
    name: '${namePrefix}-kv-${token}'
    location: location
    tags: tags
    webhookSecrets: webhookSecrets
    webjobFunctionKey: webjobFunctionKey
  }
}

// Function App: host storage and deployment package (blob, owner: the host manages its own
// containers and leases), its tables, its Key Vault reference, telemetry with Entra auth.
module functionStorageRoles 'modules/storage-roles.bicep' = {
  name: 'function-storage-roles'
  params: {
    storageAccountName: storage.outputs.name
    principalId: functionIdentity.properties.principalId
    roleDefinitionIds: [
      roleIds.storageBlobDataOwner
      roleIds.storageTableDataContributor
    ]
  }
}

module functionKeyVaultRoles 'modules/key-vault-roles.bicep' = {
  name: 'function-key-vault-roles'
  params: {
    keyVaultName: keyVault.outputs.name
    principalId: functionIdentity.properties.principalId
    roleDefinitionIds: [
      roleIds.keyVaultSecretsUser
    ]
  }
}

module functionAppInsightsRoles 'modules/app-insights-roles.bicep' = {
  name: 'function-app-insights-roles'
  params: {
    appInsightsName: monitoring.outputs.appInsightsName
    principalId: functionIdentity.properties.principalId
    roleDefinitionIds: [
      roleIds.monitoringMetricsPublisher
    ]
  }
}

// WebJob: checkpoint/asset tables, dead-letter queue, leadership blob lease, its Key Vault references,
// telemetry with Entra auth.
module webjobStorageRoles 'modules/storage-roles.bicep' = {
  name: 'webjob-storage-roles'
  params: {
    storageAccountName: storage.outputs.name
    principalId: webjobIdentity.properties.principalId
    roleDefinitionIds: [
      roleIds.storageTableDataContributor
      roleIds.storageQueueDataContributor
      roleIds.storageBlobDataContributor
    ]
  }
}

module webjobKeyVaultRoles 'modules/key-vault-roles.bicep' = {
  name: 'webjob-key-vault-roles'
  params: {
    keyVaultName: keyVault.outputs.name
    principalId: webjobIdentity.properties.principalId
    roleDefinitionIds: [
      roleIds.keyVaultSecretsUser
    ]
  }
}

module webjobAppInsightsRoles 'modules/app-insights-roles.bicep' = {
  name: 'webjob-app-insights-roles'
  params: {
    appInsightsName: monitoring.outputs.appInsightsName
    principalId: webjobIdentity.properties.principalId
    roleDefinitionIds: [
      roleIds.monitoringMetricsPublisher
    ]
  }
}

module deployerKeyVaultRoles 'modules/key-vault-roles.bicep' = if (!empty(deployerPrincipalId)) {
  name: 'deployer-key-vault-roles'
  params: {
    keyVaultName: keyVault.outputs.name
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
    roleDefinitionIds: [
      roleIds.keyVaultSecretsOfficer
    ]
  }
}

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  // Key Vault references and host storage resolve at start: grant the roles first.
  dependsOn: [functionStorageRoles, functionKeyVaultRoles, functionAppInsightsRoles]
  params: {
    planName: '${namePrefix}-func-plan-${token}'
    appName: '${namePrefix}-func-${token}'
    location: location
    tags: tags
    identityId: functionIdentity.id
    identityClientId: functionIdentity.properties.clientId
    storageAccountName: storage.outputs.name
    blobEndpoint: storage.outputs.blobEndpoint
    queueEndpoint: storage.outputs.queueEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerName: deploymentContainerName
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
    webhookSecretsUri: keyVault.outputs.webhookSecretsUri
    storageNamePrefix: storageNamePrefix
    rateTable: rateTable
    webhookToleranceSeconds: webhookToleranceSeconds
    maximumInstanceCount: functionMaximumInstanceCount
    instanceMemoryMB: functionInstanceMemoryMB
    webjobFunctionKey: webjobFunctionKey
  }
}

module webjobApp 'modules/webjob-app.bicep' = {
  name: 'webjob-app'
  dependsOn: [webjobStorageRoles, webjobKeyVaultRoles, webjobAppInsightsRoles]
  params: {
    planName: '${namePrefix}-webjob-plan-${token}'
    appName: '${namePrefix}-webjob-${token}'
    location: location
    tags: tags
    skuName: webjobPlanSku
    identityId: webjobIdentity.id
    identityClientId: webjobIdentity.properties.clientId
    storageAccountName: storage.outputs.name
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
    webhookSecretsUri: keyVault.outputs.webhookSecretsUri
    webjobFunctionKeyUri: keyVault.outputs.webjobFunctionKeyUri
    webhookUrl: 'https://${functionApp.outputs.defaultHostName}/api/ownership-changes'
    ledgerApiUrl: ledgerApiUrl
    ledgerWsUrl: ledgerWsUrl
    ledgerSource: empty(ledgerSource) ? 'bigchaindb://${split(ledgerApiUrl, '/')[2]}' : ledgerSource
    leasingCompanyPublicKeys: leasingCompanyPublicKeys
    storageNamePrefix: storageNamePrefix
    logLevel: logLevel
  }
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  params: {
    appInsightsName: monitoring.outputs.appInsightsName
    location: location
    tags: tags
    actionGroupId: alertActionGroupId
    functionAppName: functionApp.outputs.name
    lagThresholdSeconds: alertLagThresholdSeconds
  }
}

// azd turns outputs into environment values; deploy.sh and the deploy workflow read them too.
output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = resourceGroup().name
output FUNCTION_APP_NAME string = functionApp.outputs.name
output FUNCTION_APP_URL string = 'https://${functionApp.outputs.defaultHostName}'
output WEBJOB_APP_NAME string = webjobApp.outputs.name
output WEBJOB_NAME string = webjobName
output WEBHOOK_URL string = 'https://${functionApp.outputs.defaultHostName}/api/ownership-changes'
output STORAGE_ACCOUNT_NAME string = storage.outputs.name
output KEY_VAULT_NAME string = keyVault.outputs.name
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.appInsightsName
