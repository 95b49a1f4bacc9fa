// Alert rules on the telemetry both apps send to Application Insights (log search alerts over
// customMetrics and requests): the WebJob stalled, dead letters appearing, Function App failures,
// and the WebJob's lag above a threshold. Each notifies the action group, when one is given.

param appInsightsName string
param location string
param tags object

@description('Resource id of the action group to notify (email, SMS, webhook, ...); empty = the alerts fire in the portal only.')
param actionGroupId string

@description('Cloud role names the apps report (service.name of their telemetry; the Functions host reports the app name).')
param webjobRoleName string = 'lease-premium-webjob'
param functionAppName string

@description('Lag alert: the oldest ledger height seen but not fully delivered is older than this many seconds.')
@minValue(30)
param lagThresholdSeconds int

@description('Stalled alert: no WebJob telemetry, or no checkpoint progress while behind, for this many minutes.')
@minValue(5)
param stalledMinutes int = 15

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

// Each query returns rows only when the condition holds; the rule fires on any row. (Multi-line
// strings take no interpolation in Bicep, hence format().)
var rules = [
  {
    name: 'webjob-stalled'
    displayName: 'WebJob stalled'
    description: 'The WebJob sent no metrics, or its checkpoint (webjob_last_delivered_height) did not move while webjob_lag_blocks stayed above 0, for ${stalledMinutes} minutes.'
    severity: 1
    window: 'PT${stalledMinutes}M'
    query: format('''
let m = customMetrics | where cloud_RoleName == '{0}';
let silent = toscalar(m | count) == 0;
let stuck = toscalar(m | where name == 'webjob_last_delivered_height' | summarize max(value) - min(value)) == 0
  and toscalar(m | where name == 'webjob_lag_blocks' | summarize min(value)) > 0;
print stalled = silent or stuck
| where stalled
''', webjobRoleName)
  }
  {
    name: 'dead-letters'
    displayName: 'Dead letters appearing'
    description: 'The WebJob wrote transactions or events to the dead-letter queue (webjob_events_dead_lettered_total, by kind). Replay them with npm run replay -- --dead-letters once the cause is fixed.'
    severity: 2
    window: 'PT15M'
    query: format('''
customMetrics
| where cloud_RoleName == '{0}' and name == 'webjob_events_dead_lettered_total'
| summarize deadLetters = sum(valueSum) by kind = tostring(customDimensions.kind)
| where deadLetters > 0
''', webjobRoleName)
  }
  {
    name: 'function-failures'
    displayName: 'Function App failures'
    description: 'Function invocations failed (the host recorded an unsuccessful request: an exception or a 5xx answer).'
    severity: 1
    window: 'PT5M'
    query: format('''
requests
| where cloud_RoleName =~ '{0}' and success == false
| summarize failures = count() by operation_Name
''', functionAppName)
  }
  {
    name: 'webjob-lag'
    displayName: 'WebJob lag above ${lagThresholdSeconds} s'
    description: 'The oldest ledger height the WebJob has seen but not fully delivered is older than ${lagThresholdSeconds} s (webjob_lag_seconds).'
    severity: 2
    window: 'PT10M'
    query: format('''
customMetrics
| where cloud_RoleName == '{0}' and name == 'webjob_lag_seconds'
| summarize lagSeconds = max(valueMax)
| where lagSeconds > {1}
''', webjobRoleName, lagThresholdSeconds)
  }
]

resource alerts 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = [for rule in rules: {
  name: '${appInsightsName}-${rule.name}'
  location: location
  tags: tags
  properties: {
    displayName: rule.displayName
    description: rule.description
    severity: rule.severity
    enabled: true
    scopes: [appInsights.id]
    evaluationFrequency: 'PT5M'
    windowSize: rule.window
    criteria: {
      allOf: [
        {
          query: rule.query
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: empty(actionGroupId) ? [] : [actionGroupId]
    }
  }
}]

output alertRuleNames array = [for (rule, i) in rules: alerts[i].name]
