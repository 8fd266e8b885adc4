import { css } from 'lit';

/** The account type choice and the authorization box of the ACH form (the fields' styles do the rest). */
export const achFormStyles = css`
  fieldset {
    display: grid;
    gap: 6px;
    min-width: 0;
    margin: 0;
    padding: 0;
    border: 0;
  }
  legend,
  .mandate-title {
    margin: 0 0 6px;
    padding: 0;
    font-size: 0.875em;
    font-weight: 500;
  }
  .options {
    display: flex;
    flex-wrap: wrap;
    gap: 4px 24px;
  }
  .options label,
  .check {
    display: flex;
    align-items: center;
    gap: 10px;
    min-height: 44px;
  }
  .options label {
    cursor: pointer;
  }
  input[type='radio'],
  input[type='checkbox'] {
    flex: none;
    width: 1.25em;
    height: 1.25em;
    margin: 0;
    accent-color: var(--_primary);
  }
  input[type='radio']:focus-visible,
  input[type='checkbox']:focus-visible,
  .mandate-text:focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
  .mandate {
    display: grid;
    gap: 6px;
  }
  .mandate-text {
    max-height: 12em;
    overflow-y: auto;
    padding: 10px 12px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_field-background);
    font-size: 0.875em;
    line-height: 1.5;
    white-space: pre-line;
    overflow-wrap: anywhere;
  }
  .check label {
    font-weight: 500;
    cursor: pointer;
  }
  .check input[aria-invalid='true'] {
    outline: 2px solid var(--_danger);
    outline-offset: 1px;
  }
`;
