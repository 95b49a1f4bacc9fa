// Linux App Service plan (Basic or above: Always On keeps the continuous WebJob running) and the web
// app whose App_Data/jobs/continuous/<name>/ hosts the WebJob. The site itself serves nothing.

param planName string
param appName string
param location string
param tags object

@allowed(['B1', 'B2', 'B3', 'S1', 'S2', 'S3', 'P0v3', 'P1v3', 'P2v3', 'P3v3'])
param skuName string

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string
@description('Client id of that identity (AZURE_CLIENT_ID for DefaultAzureCredential).')
param identityClientId string

param storageAccountName string
param logAnalyticsWorkspaceId string
@description('Application Insights connection string: traces, metrics and logs (sent with the identity; local auth is off).')
param appInsightsConnectionString string

@description('Unversioned Key Vault secret URIs.')
param webhookSecretsUri string
param webjobFunctionKeyUri string

param webhookUrl string
param ledgerApiUrl string
@description('Empty: the WebJob discovers the stream URL from the node index.')
param ledgerWsUrl string
@description('CloudEvents source of the events, and the partition of the stream checkpoint.')
param ledgerSource string
param leasingCompanyPublicKeys string
param storageNamePrefix string
param logLevel string

// Every setting the WebJob or the platform reads. infra checks compare these keys with what
// webjob/src reads (npm test), so keep one key per line.
var appSettings = union({
  STORAGE_ACCOUNT_NAME: storageAccountName
  AZURE_CLIENT_ID: identityClientId
  STORAGE_NAME_PREFIX: storageNamePrefix
  WEBHOOK_SECRETS: '@Microsoft.KeyVault(SecretUri=${webhookSecretsUri})'
  WEBHOOK_FUNCTION_KEY: '@Microsoft.KeyVault(SecretUri=${webjobFunctionKeyUri})'
  WEBHOOK_URL: webhookUrl
  LEDGER_API_URL: ledgerApiUrl
  LEDGER_SOURCE: ledgerSource
  LEASING_COMPANY_PUBLIC_KEYS: leasingCompanyPublicKeys
  LOG_LEVEL: logLevel
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  SCM_DO_BUILD_DURING_DEPLOYMENT: 'false'
}, empty(ledgerWsUrl) ? {} : {
  LEDGER_WS_URL: ledgerWsUrl
})

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'linux'
  sku: { name: skuName }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  tags: union(tags, { 'azd-service-name': 'webjob' })
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      linuxFxVersion: 'NODE|22-lts'
      alwaysOn: true
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      appSettings: [for setting in items(appSettings): { name: setting.key, value: setting.value }]
    }
  }
}

resource ftpPolicy 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: { allow: false }
}

resource scmPolicy 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: { allow: false }
}

// The WebJob's JSON log lines and platform events go to Log Analytics.
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: site
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      { category: 'AppServiceConsoleLogs', enabled: true }
      { category: 'AppServicePlatformLogs', enabled: true }
    ]
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
