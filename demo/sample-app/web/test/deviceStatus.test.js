'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { badge, needsAttention, summary } = require('../src/deviceStatus');

const now = Date.parse('2026-11-24T10:00:00Z');

test('an online device has a green badge', () => {
  assert.strictEqual(badge({ status: 'online' }), 'green');
});

test('an unknown status has a grey badge', () => {
  assert.strictEqual(badge({ status: 'rebooting' }), 'grey');
});

test('an offline device needs attention', () => {
  assert.strictEqual(needsAttention({ status: 'offline' }, now), true);
});

test('a device silent for more than 15 minutes needs attention', () => {
  assert.strictEqual(needsAttention({ status: 'online', lastSeen: '2026-11-24T09:30:00Z' }, now), true);
});

test('a device seen a minute ago is fine', () => {
  assert.strictEqual(needsAttention({ status: 'online', lastSeen: '2026-11-24T09:59:00Z' }, now), false);
});

test('the summary lists the devices that need attention', () => {
  const devices = [
    { id: 'infusion-pump-7', status: 'online', lastSeen: '2026-11-24T09:59:30Z' },
    { id: 'ventilator-2', status: 'degraded', lastSeen: '2026-11-24T09:59:30Z' },
  ];
  assert.deepStrictEqual(summary(devices, now), { total: 2, attention: ['ventilator-2'] });
});
