// The Function App on Flex Consumption (Linux, Node 22): HTTP functions only, scales to zero.
// Host storage (AzureWebJobsStorage) and the deployment container use the user-assigned identity.

param planName string
param appName string
param location string
param tags object

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string
@description('Client id of that identity (AZURE_CLIENT_ID, host storage credential).')
param identityClientId string

param storageAccountName string
param blobEndpoint string
param queueEndpoint string
param tableEndpoint string
param deploymentContainerName string

param appInsightsConnectionString string

@description('Unversioned Key Vault secret URI of WEBHOOK_SECRETS.')
param webhookSecretsUri string

param storageNamePrefix string
param rateTable string
param webhookToleranceSeconds int

@minValue(1)
@maxValue(1000)
param maximumInstanceCount int
@allowed([512, 2048, 4096])
param instanceMemoryMB int

@secure()
@description('Value of the host key "webjob" the WebJob sends as x-functions-key; empty keeps the current key.')
param webjobFunctionKey string

// Every setting the app or the platform reads. infra checks compare these keys with what
// functions/src reads (npm test), so keep one key per line.
var appSettings = {
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  AzureWebJobsStorage__blobServiceUri: blobEndpoint
  AzureWebJobsStorage__queueServiceUri: queueEndpoint
  AzureWebJobsStorage__tableServiceUri: tableEndpoint
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  STORAGE_ACCOUNT_NAME: storageAccountName
  AZURE_CLIENT_ID: identityClientId
  STORAGE_NAME_PREFIX: storageNamePrefix
  WEBHOOK_SECRETS: '@Microsoft.KeyVault(SecretUri=${webhookSecretsUri})'
  WEBHOOK_TOLERANCE_SECONDS: string(webhookToleranceSeconds)
  RATE_TABLE: rateTable
  // The host refuses bodies over the app's own limit (4 MiB) from Content-Length, before buffering them.
  FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: '4194304'
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  tags: union(tags, { 'azd-service-name': 'functions' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: [for setting in items(appSettings): { name: setting.key, value: setting.value }]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'node'
        version: '22'
      }
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

// A named host key for the WebJob, so it can be rotated on its own (add a second key, switch the
// Key Vault secret, delete the old key) without touching the default key.
resource webjobKey 'Microsoft.Web/sites/host/functionKeys@2024-04-01' = if (!empty(webjobFunctionKey)) {
  // sites/host has no resource type of its own to serve as a parent, so the name carries the path.
  #disable-next-line use-parent-property
  name: '${site.name}/default/webjob'
  properties: {
    name: 'webjob'
    value: webjobFunctionKey
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
