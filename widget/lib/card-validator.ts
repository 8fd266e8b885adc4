/**
 * The parts of card-validator the frame uses, imported one module at a time: its index also
 * pulls in postal codes and full expiry-date parsing, which the frame never calls (about 1 KB
 * gzip of the entry). card-validator is CommonJS; Vite and the test server both hand its
 * modules over as ES modules with named exports.
 */
import * as numberModule from 'card-validator/dist/card-number.js';
import * as cvvModule from 'card-validator/dist/cvv.js';
import * as monthModule from 'card-validator/dist/expiration-month.js';
import * as nameModule from 'card-validator/dist/cardholder-name.js';
import creditCardType from 'credit-card-type';

export const cardValidator = {
  number: numberModule.cardNumber,
  cvv: cvvModule.cvv,
  expirationMonth: monthModule.expirationMonth,
  cardholderName: nameModule.cardholderName,
  creditCardType,
};
