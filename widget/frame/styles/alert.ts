import { css } from 'lit';

/** The failure alert box (`.alert`): in the forms above the fields, and in the app's unavailable view. */
export const alertStyles = css`
  .alert {
    padding: 12px 14px;
    border: 1px solid color-mix(in srgb, var(--_danger) 35%, transparent);
    border-left-width: 4px;
    border-radius: var(--_radius);
    background: color-mix(in srgb, var(--_danger) 7%, #ffffff);
    color: color-mix(in srgb, var(--_danger) 85%, #000000);
  }
`;
