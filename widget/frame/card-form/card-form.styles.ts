import { css } from 'lit';
import { alertStyles } from '../styles/alert.ts';
import { spinnerMotion } from '../styles/spinner.ts';

/** The forms' layout, pay button and spinner, and the alert above them (also used by the PIX code view). */
export const formStyles = [
  css`
  /* The card form hides the new card's fields (the row of expiry and code among them) when a saved card is chosen. */
  [hidden] {
    display: none !important;
  }
  form {
    display: grid;
    gap: var(--_spacing);
    margin: 0;
  }
  .row {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(min(100%, 8.5em), 1fr));
    gap: var(--_spacing);
  }
  .field select {
    text-overflow: ellipsis;
  }
  .field select:disabled {
    opacity: 0.7;
  }
  .alert {
    font-size: 0.9375em;
  }
  .alert:empty {
    display: none;
  }
  .pay {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 10px;
    width: 100%;
    min-height: 48px;
    margin-top: 4px;
    padding: 12px 16px;
    border: 0;
    border-radius: var(--_radius);
    background: var(--_primary);
    color: var(--_primary-text);
    font: inherit;
    font-weight: 600;
    cursor: pointer;
    transition: filter 0.15s, opacity 0.15s;
  }
  .pay:hover:not(:disabled) {
    filter: brightness(0.92);
  }
  .pay:focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
  .pay:disabled {
    opacity: 0.7;
    cursor: progress;
  }
  .spinner {
    width: 1em;
    height: 1em;
    border: 2px solid currentColor;
    border-right-color: transparent;
    border-radius: 50%;
    animation: spin 0.8s linear infinite;
  }
`,
  alertStyles,
  spinnerMotion,
];
