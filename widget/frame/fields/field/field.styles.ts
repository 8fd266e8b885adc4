import { css } from 'lit';

/** Styles of every field (label above, 44px control, error below). Used by the form's shadow root. */
export const fieldStyles = css`
  .field {
    display: grid;
    gap: 6px;
    min-width: 0;
  }
  .field label {
    font-size: 0.875em;
    font-weight: 500;
  }
  .control {
    position: relative;
  }
  /* The installments' select (card form) looks like the inputs. */
  .field input,
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
  }
  .field input {
    transition: border-color 0.15s, box-shadow 0.15s;
  }
  .field input::placeholder {
    color: var(--_muted);
    opacity: 1;
  }
  .field input:focus,
  .field select:focus {
    outline: 2px solid var(--_focus);
    outline-offset: 1px;
  }
  .field input[aria-invalid='true'] {
    border-color: var(--_danger);
    box-shadow: 0 0 0 1px var(--_danger);
  }
  .field input[readonly] {
    opacity: 0.7;
  }
  .has-brand input {
    padding-right: min(176px, 45%);
  }
  .brand {
    position: absolute;
    top: 50%;
    right: 8px;
    transform: translateY(-50%);
    max-width: calc(min(176px, 45%) - 16px);
    padding: 2px 8px;
    border-radius: 4px;
    background: #eef0f3;
    color: #374151;
    font-size: 0.75em;
    font-weight: 600;
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
    pointer-events: none;
  }
  .error {
    margin: 0;
    color: var(--_danger);
    font-size: 0.875em;
  }
`;
