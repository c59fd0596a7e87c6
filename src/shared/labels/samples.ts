import type { LabelType } from './model';
import type { VectorImage } from './model';
import { makeSscc } from './gs1';
import type { LabelRequest } from './templates/index';

/** A plain mark for test prints: a square with a B cut out of it. */
export const TEST_LOGO: VectorImage = {
  width: 100,
  height: 100,
  paths: [
    { d: 'M8 8 H92 V92 H8 Z', fill: '#1b2a6b' },
    {
      d: 'M30 24 H56 C68 24 74 30 74 38 C74 44 71 48 66 50 C72 52 76 57 76 64 C76 72 69 78 57 78 H30 Z M42 34 V46 H54 C59 46 62 44 62 40 C62 36 59 34 54 34 Z M42 56 V68 H55 C61 68 64 66 64 62 C64 58 61 56 55 56 Z',
      fill: '#ffffff',
    },
  ],
};

/**
 * Data for a test print of each label type: long names in Latin, Greek and Cyrillic to show the
 * font coverage and the ellipsis, and valid barcodes.
 */
export function sampleRequest(type: LabelType, now: number, station: string): LabelRequest {
  switch (type) {
    case 'shipping':
      return {
        type,
        data: {
          orderNumber: 'TEST-0001',
          brand: { name: 'Benchline test print', logo: TEST_LOGO },
          from: {
            name: 'Benchline demo warehouse',
            line1: 'Calle del Almacén 12',
            line2: null,
            postalCode: '28001',
            city: 'Madrid',
            region: null,
            country: 'ES',
          },
          to: {
            name: 'Αλεξάνδρα Παπαδοπούλου-Κωνσταντινίδου c/o Дарья Александровна Воронцова-Дашкова',
            line1: 'Rua Professor Doutor Egas Moniz 1234, Bloco C, Apartamento 56 Esquerdo Traseiras',
            line2: 'Porta 7',
            postalCode: '4050-345',
            city: 'Porto',
            region: null,
            country: 'PT',
          },
          weightG: 1240,
          parcel: { index: 1, count: 1 },
          carrier: null,
          sscc: makeSscc(0, '0614141', 1),
          shippedAt: now,
        },
      };
    case 'insert':
      return {
        type,
        data: {
          orderNumber: 'TEST-0001',
          firstName: 'Zoë',
          brand: { name: 'Benchline', logo: TEST_LOGO, primary: '#1b2a6b', accent: '#3fc1c9', font: 'sans' },
          copy: {
            greeting: 'Thank you, {name}!',
            thanks: 'This is a test print of the packing insert: logo, colours, copy, and the return code.',
            signoff: 'The Benchline team',
            parcelHeading: 'In your parcel',
            careHeading: 'Caring for your {category}',
            recommendHeading: 'You might also like',
            returnsHeading: 'Returns made easy',
            returnsText: 'Scan the code to start a return: your order is already filled in.',
          },
          returnUrl: 'https://returns.benchline.example/start?order=TEST-0001',
          items: [
            { name: 'Test item with a name long enough to need the ellipsis at the end of its line', quantity: 1 },
            { name: 'Κεραμική κούπα — Керамическая кружка', quantity: 2 },
          ],
          careTips: [{ category: 'test items', tips: ['Wash cold.', 'Dry flat.'] }],
          recommendations: [{ sku: 'TEST-2', name: 'Another test item' }],
          gift: false,
        },
      };
    case 'licence_plate':
      return {
        type,
        data: {
          licencePlate: 'LP-TEST-0001',
          caseRef: 'TEST',
          rmaNumber: 'RMA-TEST',
          orderNumber: 'TEST-0001',
          quarantined: false,
          receivedAt: now,
          clerk: 'Test print',
          ean13: '8412345100000',
          items: [
            { itemNo: 1, sku: 'TEST-1', name: 'Test item', grade: 'B', disposition: 'refurbish', bin: 'REFURB-01' },
          ],
        },
      };
    case 'bin':
      return {
        type,
        data: {
          licencePlate: 'LP-TEST-0001',
          caseRef: 'TEST',
          itemNo: 1,
          sku: 'TEST-1',
          name: 'Test item',
          grade: 'B',
          disposition: 'return_to_vendor',
          bin: 'RTV-VENDOR-CAGE-LONG-NAME-07',
        },
      };
    case 'qc_hold':
      return {
        type,
        data: {
          orderNumber: 'TEST-0001',
          packageRef: 'TEST-PACKAGE',
          heldAt: now,
          inspector: 'Test print',
          defects: [
            {
              code: 'A-STAIN',
              severity: 'major',
              note: 'Stain on the left sleeve, about two centimetres, visible from the front.',
            },
          ],
        },
      };
    case 'badge':
      return { type, data: { name: 'Test Badge-Holder', role: 'packer', badge: 'BADGE-TEST-0001', station } };
    case 'command_sheet':
      return { type, data: { station, generatedAt: now } };
  }
}
