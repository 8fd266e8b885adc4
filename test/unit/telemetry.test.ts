/**
 * The frame's checkout telemetry (widget/lib/telemetry.ts): the device class from the screen and
 * the pointer, and a telemetry object the contract accepts whatever the inputs (a confirm with
 * bad telemetry would be refused, so this must never produce one).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkoutTelemetrySchema, localeSchema } from '../../contract/api.ts';
import { checkoutTelemetry, deviceClass, LOCALE_PATTERN } from '../../widget/lib/telemetry.ts';

test('a fine pointer is a desktop, whatever the screen', () => {
  assert.equal(deviceClass(1920, 1080, false), 'desktop');
  assert.equal(deviceClass(390, 844, false), 'desktop', 'a narrow window on a desktop, or a phone with a mouse');
});

test('a coarse pointer is a phone below 600 CSS px on the short side, else a tablet', () => {
  assert.equal(deviceClass(390, 844, true), 'mobile');
  assert.equal(deviceClass(844, 390, true), 'mobile', 'a phone on its side is still a phone');
  assert.equal(deviceClass(599, 900, true), 'mobile');
  assert.equal(deviceClass(600, 900, true), 'tablet');
  assert.equal(deviceClass(768, 1024, true), 'tablet');
  assert.equal(deviceClass(1366, 1024, true), 'tablet', 'a big tablet in landscape');
});

test('telemetry: the locale, the device class and whole milliseconds', () => {
  assert.deepEqual(checkoutTelemetry('pt-BR', 'mobile', 1234.6), { locale: 'pt-BR', device_class: 'mobile', ready_to_submit_ms: 1235 });
  assert.deepEqual(checkoutTelemetry('en', 'desktop', 0), { locale: 'en', device_class: 'desktop', ready_to_submit_ms: 0 });
});

test('telemetry: the time is clamped to 0 … one day', () => {
  assert.equal(checkoutTelemetry('en', 'desktop', -5).ready_to_submit_ms, 0, 'a clock that went back');
  assert.equal(checkoutTelemetry('en', 'desktop', 3 * 86_400_000).ready_to_submit_ms, 86_400_000, 'a tab left open for days');
  assert.equal(checkoutTelemetry('en', 'desktop', Number.NaN).ready_to_submit_ms, 0);
});

test('telemetry: a locale the contract would refuse is left out, not sent', () => {
  for (const locale of ['zh-Hant', 'EN', 'en_US', 'en-us', '', 'en-US-x-private']) {
    const telemetry = checkoutTelemetry(locale, 'tablet', 10);
    assert.equal('locale' in telemetry, false, locale);
    assert.deepEqual(telemetry, { device_class: 'tablet', ready_to_submit_ms: 10 });
  }
});

test('LOCALE_PATTERN agrees with localeSchema', () => {
  for (const locale of ['en', 'pt-BR', 'fil', 'es-MX', 'zh-Hant', 'EN', 'en_US', 'en-us', 'e', 'engl', 'en-USA', '', ' en', 'en\n']) {
    assert.equal(LOCALE_PATTERN.test(locale), localeSchema.safeParse(locale).success, JSON.stringify(locale));
  }
});

test('whatever the inputs, the contract accepts the telemetry', () => {
  const locales = ['en', 'pt-BR', 'zh-Hant', ''];
  const times = [-1, 0, 0.4, 59_999.5, 86_400_000, 86_400_001, Number.POSITIVE_INFINITY, Number.NaN];
  for (const locale of locales) {
    for (const ms of times) {
      for (const device of ['mobile', 'tablet', 'desktop'] as const) {
        const telemetry = checkoutTelemetry(locale, device, ms);
        assert.ok(checkoutTelemetrySchema.safeParse(telemetry).success, JSON.stringify({ locale, ms, telemetry }));
      }
    }
  }
});
