// Log Analytics workspace + workspace-based Application Insights. Local (key) auth is disabled on
// Application Insights, so both apps send telemetry with their managed identities
// (Monitoring Metrics Publisher, APPLICATIONINSIGHTS_AUTHENTICATION_STRING).

param logAnalyticsName string
param appInsightsName string
param location string
param tags object

@description('Daily ingestion cap in GB (cost guard); -1 = no cap.')
param dailyCapGb int

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
    workspaceCapping: { dailyQuotaGb: dailyCapGb }
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
    IngestionMode: 'LogAnalytics'
  }
}

output workspaceId string = workspace.id
output appInsightsName string = appInsights.name
output appInsightsConnectionString string = appInsights.properties.ConnectionString
