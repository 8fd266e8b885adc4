import { css } from 'lit';

export const formStyles = css`
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
    display: block;
    width: 100%;
    min-height: 44px;
    margin: 0;
    padding: 10px 12px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_field-background);
    color: var(--_text);
    font: inherit;
    font-size: max(16px, 1em); /* below 16px iOS zooms into the field */
    text-overflow: ellipsis;
  }
  .field select:focus {
    outline: 2px solid var(--_focus);
    outline-offset: 1px;
  }
  .field select:disabled {
    opacity: 0.7;
  }
  .alert {
    padding: 12px 14px;
    border: 1px solid color-mix(in srgb, var(--_danger) 35%, transparent);
    border-left-width: 4px;
    border-radius: var(--_radius);
    background: color-mix(in srgb, var(--_danger) 7%, #ffffff);
    color: color-mix(in srgb, var(--_danger) 85%, #000000);
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
  @keyframes spin {
    to {
      transform: rotate(360deg);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .spinner {
      animation-duration: 2.4s;
    }
  }
`;
