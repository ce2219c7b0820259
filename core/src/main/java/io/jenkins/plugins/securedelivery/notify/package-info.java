/**
 * Notifications: {@link io.jenkins.plugins.securedelivery.notify.SlackWebhook} (incoming webhooks, Block Kit with
 * link buttons), {@link io.jenkins.plugins.securedelivery.notify.PagerDutyEvents} (Events API v2 trigger and resolve)
 * and {@link io.jenkins.plugins.securedelivery.notify.JsonWebhook} (any JSON endpoint, with an optional secret header
 * or HMAC-SHA256 signature). Each returns a {@link io.jenkins.plugins.securedelivery.notify.NotificationResult}:
 * a failure to notify is reported, never thrown, and never blocks or approves anything.
 */
package io.jenkins.plugins.securedelivery.notify;
