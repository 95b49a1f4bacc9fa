// Staff sign-in for the console served by the Function App: App Service authentication ("Easy
// Auth") with Microsoft Entra ID. Unauthenticated requests are allowed through (AllowAnonymous)
// because the WebJob's webhook and the back-office systems call the same app with function keys;
// the console's gateway (functions/src/functions/console-api.ts) itself refuses anyone the platform
// did not sign in, and reads the app roles "viewer" and "underwriter" from the
// x-ms-client-principal header the platform sets (and strips from incoming requests).
// https://learn.microsoft.com/azure/app-service/configure-authentication-provider-aad
// https://learn.microsoft.com/azure/templates/microsoft.web/sites/config-authsettingsv2

@description('Name of the Function App that serves the console.')
param siteName string

@description('Application (client) id of the Entra app registration that defines the roles viewer and underwriter.')
param clientId string

@description('Entra tenant of the staff who sign in.')
param tenantId string

resource site 'Microsoft.Web/sites@2024-04-01' existing = {
  name: siteName
}

resource auth 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      requireAuthentication: false
      unauthenticatedClientAction: 'AllowAnonymous'
    }
    httpSettings: {
      requireHttps: true
      forwardProxy: { convention: 'NoProxy' }
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          // No client secret: sign-in uses the OpenID Connect ID token (form_post), which carries
          // the roles claim; nothing secret to store or rotate for the console.
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenantId}/v2.0'
          clientId: clientId
        }
        validation: {
          allowedAudiences: [
            clientId
            'api://${clientId}'
          ]
        }
        login: {
          disableWWWAuthenticate: false
        }
      }
    }
    login: {
      tokenStore: { enabled: false }
      preserveUrlFragmentsForLogins: true
      cookieExpiration: { convention: 'FixedTime', timeToExpiration: '08:00:00' }
      nonce: { validateNonce: true }
    }
  }
}
