/**
 * The text of the calibration barcode a station scans to learn its wedge scanner: capitals and
 * small letters (Caps Lock, Shift), digits (AZERTY's top row), and the punctuation keyboard
 * layouts disagree on (`-` `:` `/` `_` `@`), so a wrong scanner layout shows at once.
 */
export const CALIBRATION_CODE = 'Cal-09:Az/q_@W8';
