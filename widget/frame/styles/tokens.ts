import { css } from 'lit';

/**
 * The theme: each documented `--pay-*` property (set by the host on the frame's root) with its
 * default, resolved once into a private `--_*` variable that the other styles use.
 */
export const tokens = css`
  :host {
    --_primary: var(--pay-color-primary, #4f46e5);
    --_primary-text: var(--pay-color-primary-text, #ffffff);
    --_text: var(--pay-color-text, #1f2937);
    --_muted: var(--pay-color-muted, #6b7280);
    --_background: var(--pay-color-background, transparent);
    --_field-background: var(--pay-color-field-background, #ffffff);
    --_border: var(--pay-color-border, #8a919c);
    --_focus: var(--pay-color-focus, var(--pay-color-primary, #4f46e5));
    --_danger: var(--pay-color-danger, #b91c1c);
    --_success: var(--pay-color-success, #047857);
    --_font: var(--pay-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif);
    --_font-size: var(--pay-font-size, 16px);
    --_radius: var(--pay-radius, 8px);
    --_spacing: var(--pay-spacing, 16px);

    display: block;
    box-sizing: border-box;
    color: var(--_text);
    font-family: var(--_font);
    font-size: var(--_font-size);
    line-height: 1.4;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
`;
