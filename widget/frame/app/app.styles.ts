import { css } from 'lit';
import { alertStyles } from '../styles/alert.ts';
import { spinnerMotion } from '../styles/spinner.ts';

export const appStyles = [
  css`
  :host {
    /* Room for focus rings, which the iframe's edges would otherwise clip. */
    padding: 4px;
    background: var(--_background);
  }
  .status,
  .done {
    display: grid;
    justify-items: center;
    gap: 12px;
    padding: 24px 8px;
    text-align: center;
  }
  .status:focus,
  .done:focus {
    outline: none;
  }
  .status p,
  .done p {
    margin: 0;
  }
  .title {
    font-size: 1.125em;
    font-weight: 600;
  }
  .amount,
  .note {
    color: var(--_muted);
  }
  .check {
    position: relative;
    width: 48px;
    height: 48px;
    border: 3px solid;
    border-radius: 50%;
    color: var(--_success);
  }
  .check::after {
    content: '';
    position: absolute;
    left: 13px;
    top: 6px;
    width: 12px;
    height: 22px;
    border: solid;
    border-width: 0 3.5px 3.5px 0;
    transform: rotate(45deg);
  }
  .spinner {
    width: 32px;
    height: 32px;
    border: 3px solid color-mix(in srgb, var(--_primary) 25%, transparent);
    border-top-color: var(--_primary);
    border-radius: 50%;
    animation: spin 0.8s linear infinite;
  }
`,
  alertStyles,
  spinnerMotion,
];
