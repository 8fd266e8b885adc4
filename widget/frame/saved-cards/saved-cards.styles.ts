import { css } from 'lit';
import { linkButtonStyles } from '../styles/link-button.ts';

const controls = css`
  * {
    box-sizing: border-box;
  }
  input {
    flex: none;
    width: 1.125em;
    height: 1.125em;
    margin: 0;
    accent-color: var(--_primary);
  }
  input:focus-visible,
  button:focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
`;

/** `<pay-saved-cards>`: one bordered row per card (the chosen one outlined), Remove as a link-like button. */
export const savedCardsStyles = [
  controls,
  linkButtonStyles,
  css`
    :host {
      display: block;
    }
    /* No cards and nothing to announce: out of the form's grid (no gap), the live region still there. */
    :host([empty]) {
      position: absolute;
    }
    fieldset {
      display: grid;
      gap: 8px;
      min-width: 0;
      margin: 0;
      padding: 0;
      border: 0;
    }
    legend {
      margin-bottom: 8px;
      padding: 0;
      font-size: 0.875em;
      font-weight: 500;
    }
    .option {
      display: flex;
      align-items: center;
      gap: 10px;
      min-height: 44px;
      padding: 6px 12px;
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      background: var(--_field-background);
    }
    .option:has(:checked) {
      border-color: var(--_primary);
      box-shadow: 0 0 0 1px var(--_primary);
    }
    label {
      flex: 1;
      min-width: 0;
      cursor: pointer;
    }
    :disabled + label {
      color: var(--_muted);
      cursor: default;
    }
    .remove {
      flex: none;
      font-size: 0.875em;
    }
    .status {
      margin: 0;
      font-size: 0.875em;
    }
    .status:not(:empty) {
      margin-top: 8px;
    }
    .failed {
      color: var(--_danger);
    }
  `,
];

/** `<pay-save-card>`: a checkbox and its label on one line. */
export const saveCardStyles = [
  controls,
  css`
    :host {
      display: block;
    }
    :host([hidden]) {
      display: none;
    }
    label {
      display: flex;
      align-items: center;
      gap: 10px;
      min-height: 24px;
      font-size: 0.9375em;
      cursor: pointer;
    }
  `,
];
