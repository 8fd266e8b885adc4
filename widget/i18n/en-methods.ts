/**
 * English for the parts of the frame most buyers never see — the bank account and redirect
 * forms, saved cards, surcharges, the 3DS challenge — kept out of the frame's entry: each of
 * those chunks imports this module, which adds these texts to the English fallback before
 * anything renders them.
 * Other catalogues (`locales/<tag>.ts`) translate these keys like any other.
 */
import { addEnglish } from './index.ts';

export const enMethods = {
  // Bank account and redirect methods
  'label.holder_name': 'Account holder name',
  'label.routing_number': 'Routing number',
  'label.account_number': 'Account number',
  'label.account_confirm': 'Confirm account number',
  'label.account_type': 'Account type',
  'holder_name.required': "Enter the account holder's name.",
  'holder_name.invalid': 'Enter the name in letters, up to 100 characters.',
  'routing_number.required': 'Enter the routing number.',
  'routing_number.incomplete': 'A routing number has 9 digits.',
  'routing_number.invalid': 'This routing number is invalid.',
  'account_number.required': 'Enter the account number.',
  'account_number.invalid': 'An account number has 4 to 17 digits.',
  'account_confirm.required': 'Enter the account number again.',
  'account_confirm.mismatch': "The account numbers don't match.",
  'ach.checking': 'Checking',
  'ach.savings': 'Savings',
  'ach.mandate': 'Authorization',
  'ach.accept': 'I authorize this debit',
  'mandate.required': 'Check “I authorize this debit” to pay.',
  'ach.button': 'Pay {amount} by bank transfer',
  'ach.declined': 'Your bank account could not be debited. Check its details or pay another way.',
  'apm.explanation': "You'll be taken to {method} to pay {amount}, then brought back here.",
  'apm.button': 'Continue to {method}',
  'apm.redirecting': 'Taking you to {method}…',
  // Saved cards and surcharges
  'saved.legend': 'Saved cards',
  'saved.card': '{brand} •••• {last4} · expires {expiry}',
  'saved.expired': '{brand} •••• {last4} · expired {expiry}',
  'saved.card_name': '{brand} ending in {last4}',
  'saved.new': 'Use a new card',
  'saved.remove': 'Remove',
  'saved.remove_label': 'Remove {card}',
  'saved.removed': '{card} removed.',
  'saved.remove_failed': 'Could not remove {card}. Please try again.',
  'saved.save': 'Save this card for next time',
  'label.billing_state': 'Billing state',
  'billing_state.choose': 'Choose a state',
  'billing_state.required': 'Choose your billing state.',
  'surcharge.line': 'Card surcharge: {amount}',
  'surcharge.pending': 'Calculating the card surcharge…',
  'surcharge.failed': 'The card surcharge could not be calculated.',
  'surcharge.retry': 'Try again',
  'surcharge.changed': 'The total has changed. Nothing was charged: check the new total and pay again.',
  // 3DS challenge
  'challenge.title': 'Confirm the payment with your bank',
  'challenge.explanation': 'Your bank needs to check that it is you. Follow the steps below. This window closes by itself once your bank answers.',
  'challenge.frame_title': "Your bank's confirmation page",
  'challenge.time_left': 'Time left: {time}',
  'challenge.last_minute': 'Less than a minute left to confirm the payment.',
  'challenge.cancel': 'Cancel',
} as const;

addEnglish(enMethods);
