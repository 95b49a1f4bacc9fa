// @lease-premium/events/settings: what the WebJob's and the Function App's settings share.
export { ConfigError, configErrorOf, textSetting, type Env } from './config-error';
