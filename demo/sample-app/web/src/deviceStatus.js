// How the device console shows a device: its status badge and whether it needs attention.
'use strict';

const BADGES = { online: 'green', degraded: 'amber', offline: 'red' };

function badge(device) {
  return BADGES[device.status] || 'grey';
}

function needsAttention(device, now = Date.now()) {
  if (device.status === 'offline' || device.status === 'degraded') {
    return true;
  }
  const lastSeen = Date.parse(device.lastSeen);
  return Number.isNaN(lastSeen) || now - lastSeen > 15 * 60 * 1000;
}

function summary(devices, now = Date.now()) {
  const attention = devices.filter((d) => needsAttention(d, now)).map((d) => d.id);
  return { total: devices.length, attention };
}

module.exports = { badge, needsAttention, summary };
