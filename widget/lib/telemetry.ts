/**
 * What the frame tells the server about the checkout beside the payment (`checkoutTelemetrySchema`
 * in the contract, exported to Pagos): the form's language, the kind of device and how long the
 * buyer took. Nothing that identifies anyone: no field values, no user agent, no screen size.
 */
import type { CheckoutTelemetry, DeviceClass } from '../../contract/api.ts';

/**
 * A coarse (touch) pointer on a screen whose short side is under 600 CSS pixels is a phone, on a
 * bigger one a tablet; anything else is a desktop. The short side, so turning a phone does not
 * make it a tablet.
 */
export function deviceClass(screenWidth: number, screenHeight: number, coarsePointer: boolean): DeviceClass {
  if (!coarsePointer) return 'desktop';
  return Math.min(screenWidth, screenHeight) < 600 ? 'mobile' : 'tablet';
}

/** This browser's device class. The screen's, not the window's: the frame is as wide as the merchant's layout. */
export const browserDeviceClass = (): DeviceClass => deviceClass(screen.width, screen.height, matchMedia('(pointer: coarse)').matches);

/** What `localeSchema` accepts, mirrored so the frame does not bundle the contract's zod schemas. */
export const LOCALE_PATTERN = /^[a-z]{2,3}(-[A-Z]{2})?$/;

/**
 * The telemetry for a form shown in `locale` on a `device` and ready `elapsedMs` ago: whole
 * milliseconds, 0 to one day (the contract's range; a tab left open for days is still one value).
 */
export function checkoutTelemetry(locale: string, device: DeviceClass, elapsedMs: number): CheckoutTelemetry {
  return {
    ...(LOCALE_PATTERN.test(locale) && { locale }),
    device_class: device,
    ready_to_submit_ms: Math.min(86_400_000, Math.max(0, Math.round(elapsedMs) || 0)),
  };
}
