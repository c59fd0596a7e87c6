import { DEFAULT_BARCODE_PATTERNS } from '../barcode/patterns';
import type { PolicyDocument, PolicyKind } from '../policy/index';

/**
 * The demo warehouse's policies: QC checklists, defect codes, grading rubrics for apparel,
 * footwear, electronics and home goods, disposition and refund rules, weight tolerance. In a real
 * station these come from the cloud; every document is versioned.
 */

type Entry<K extends PolicyKind> = { kind: K; document: PolicyDocument<K> };

const l = (en: string, es: string): { en: string; es: string } => ({ en, es });

const yes = (next?: string) => ({ id: 'YES', label: l('Yes', 'Sí'), good: true, ...(next ? { next } : {}) });

export const DEMO_POLICIES: readonly Entry<PolicyKind>[] = [
  {
    kind: 'defects',
    document: {
      id: 'defects',
      version: 1,
      defects: [
        { code: 'E-POWER', label: l('Does not power on', 'No enciende'), severity: 'critical' },
        {
          code: 'E-SERIAL',
          label: l('Serial does not match the box', 'El número de serie no coincide con la caja'),
          severity: 'major',
        },
        { code: 'E-ACCESSORY', label: l('Accessory missing', 'Falta un accesorio'), severity: 'major' },
        {
          code: 'A-STAIN',
          label: l('Stain, hole or loose thread', 'Mancha, agujero o hilo suelto'),
          severity: 'major',
        },
        { code: 'A-FOLD', label: l('Folded out of size', 'Doblado fuera de medida'), severity: 'minor' },
        {
          code: 'F-PAIR',
          label: l('Left and right do not match', 'El pie izquierdo y el derecho no coinciden'),
          severity: 'critical',
        },
        { code: 'F-SCUFF', label: l('Scuffed', 'Rozado'), severity: 'minor' },
        { code: 'H-PACK', label: l('Fragile item not protected', 'Artículo frágil sin protección'), severity: 'major' },
        { code: 'G-DAMAGE', label: l('Damaged in the warehouse', 'Dañado en el almacén'), severity: 'major' },
      ],
    },
  },
  {
    kind: 'checklist',
    document: {
      id: 'qc-electronics',
      version: 1,
      name: 'Electronics: function and serial',
      appliesTo: { category: 'electronics' },
      sampling: { mode: 'every' },
      onFail: 'block',
      steps: [
        { id: 'seal', type: 'instruction', text: 'Open the outer carton, not the product box.' },
        {
          id: 'power',
          type: 'pass_fail',
          text: 'The device powers on and shows its start screen.',
          defectCode: 'E-POWER',
        },
        {
          id: 'serial',
          type: 'pass_fail',
          text: 'The serial on the device matches the box label.',
          defectCode: 'E-SERIAL',
        },
        { id: 'photo', type: 'photo', text: 'Photo of the device in its box.', required: false },
      ],
    },
  },
  {
    kind: 'checklist',
    document: {
      id: 'qc-apparel',
      version: 1,
      name: 'Apparel: condition and fold',
      appliesTo: { category: 'apparel' },
      sampling: { mode: 'percent', percent: 10 },
      onFail: 'warn',
      steps: [
        { id: 'condition', type: 'pass_fail', text: 'No stain, hole or loose thread.', defectCode: 'A-STAIN' },
        {
          id: 'fold',
          type: 'measurement',
          text: 'Width of the folded garment.',
          unit: 'cm',
          nominal: 30,
          tolerance: 2,
          defectCode: 'A-FOLD',
        },
      ],
    },
  },
  {
    kind: 'checklist',
    document: {
      id: 'qc-footwear',
      version: 1,
      name: 'Footwear: pair and finish',
      appliesTo: { category: 'footwear' },
      sampling: { mode: 'nth', n: 5 },
      onFail: 'block',
      steps: [
        { id: 'pair', type: 'pass_fail', text: 'Left and right shoe: same model, same size.', defectCode: 'F-PAIR' },
        { id: 'finish', type: 'pass_fail', text: 'No scuff on the uppers or soles.', defectCode: 'F-SCUFF' },
      ],
    },
  },
  {
    kind: 'checklist',
    document: {
      id: 'qc-home',
      version: 1,
      name: 'Home goods: protection',
      appliesTo: { category: 'home' },
      sampling: { mode: 'nth', n: 10 },
      onFail: 'warn',
      steps: [
        {
          id: 'protection',
          type: 'pass_fail',
          text: 'Fragile parts are wrapped and cannot move.',
          defectCode: 'H-PACK',
        },
        { id: 'photo', type: 'photo', text: 'Photo of the packed item before closing.', required: true },
      ],
    },
  },
  {
    kind: 'rubric',
    document: {
      id: 'grade-apparel',
      version: 1,
      category: 'apparel',
      start: 'tags',
      questions: [
        {
          id: 'tags',
          text: l('Are the original tags attached?', '¿Tiene las etiquetas originales?'),
          answers: [yes('worn'), { id: 'NO', label: l('No', 'No'), caps: 'B', next: 'worn' }],
        },
        {
          id: 'worn',
          text: l('Signs of wear, washing, odour or stains?', '¿Señales de uso, lavado, olor o manchas?'),
          answers: [
            { id: 'NO', label: l('No', 'No'), good: true, next: 'damage' },
            { id: 'LIGHT', label: l('Light', 'Leves'), caps: 'C', photo: true, next: 'damage' },
            { id: 'HEAVY', label: l('Heavy', 'Fuertes'), caps: 'F', photo: true },
          ],
        },
        {
          id: 'damage',
          text: l('Any tear, hole or broken zip?', '¿Algún roto, agujero o cremallera rota?'),
          answers: [
            { id: 'NO', label: l('No', 'No'), good: true },
            { id: 'YES', label: l('Yes', 'Sí'), caps: 'D', photo: true },
          ],
        },
      ],
    },
  },
  {
    kind: 'rubric',
    document: {
      id: 'grade-footwear',
      version: 1,
      category: 'footwear',
      start: 'box',
      questions: [
        {
          id: 'box',
          text: l('Is the shoe box present and undamaged?', '¿Está la caja de los zapatos y sin daños?'),
          answers: [yes('soles'), { id: 'NO', label: l('No', 'No'), caps: 'B', next: 'soles' }],
        },
        {
          id: 'soles',
          text: l('Are the soles clean, never walked outdoors?', '¿Las suelas están limpias, sin uso en exterior?'),
          answers: [yes('pair'), { id: 'NO', label: l('No', 'No'), caps: 'C', photo: true, next: 'pair' }],
        },
        {
          id: 'pair',
          text: l('Is it a matching pair?', '¿Es un par coincidente?'),
          answers: [yes(), { id: 'NO', label: l('No', 'No'), caps: 'D', photo: true }],
        },
      ],
    },
  },
  {
    kind: 'rubric',
    document: {
      id: 'grade-electronics',
      version: 1,
      category: 'electronics',
      start: 'sealed',
      questions: [
        {
          id: 'sealed',
          text: l('Is the factory seal intact?', '¿Está intacto el precinto de fábrica?'),
          answers: [
            { id: 'YES', label: l('Yes', 'Sí'), good: true, next: 'accessories' },
            { id: 'NO', label: l('No', 'No'), caps: 'B', next: 'powers' },
          ],
        },
        {
          id: 'powers',
          text: l('Functional test: does it power on and work?', 'Prueba: ¿enciende y funciona?'),
          answers: [
            yes('accessories'),
            { id: 'NO', label: l('No', 'No'), caps: 'D', photo: true, next: 'accessories' },
          ],
        },
        {
          id: 'accessories',
          text: l('All accessories and manuals present?', '¿Están todos los accesorios y manuales?'),
          answers: [yes('damage'), { id: 'NO', label: l('No', 'No'), caps: 'C', next: 'damage' }],
        },
        {
          id: 'damage',
          text: l('Any scratch, dent or crack?', '¿Algún arañazo, golpe o grieta?'),
          answers: [
            { id: 'NO', label: l('No', 'No'), good: true },
            { id: 'MINOR', label: l('Minor', 'Leve'), caps: 'C', photo: true },
            { id: 'MAJOR', label: l('Major', 'Grave'), caps: 'F', photo: true },
          ],
        },
      ],
    },
  },
  {
    kind: 'rubric',
    document: {
      id: 'grade-home',
      version: 1,
      category: 'home',
      start: 'packaging',
      questions: [
        {
          id: 'packaging',
          text: l('Original packaging present?', '¿Está el embalaje original?'),
          answers: [yes('hygiene'), { id: 'NO', label: l('No', 'No'), caps: 'B', next: 'hygiene' }],
        },
        {
          id: 'hygiene',
          text: l(
            'Hygiene seal intact (candles, diffusers, kitchenware)?',
            '¿Precinto de higiene intacto (velas, difusores, cocina)?',
          ),
          answers: [yes('damage'), { id: 'NO', label: l('No', 'No'), caps: 'D', next: 'damage' }],
        },
        {
          id: 'damage',
          text: l('Chips, cracks or broken parts?', '¿Desconchones, grietas o piezas rotas?'),
          answers: [
            { id: 'NO', label: l('No', 'No'), good: true },
            { id: 'YES', label: l('Yes', 'Sí'), caps: 'F', photo: true },
          ],
        },
      ],
    },
  },
  {
    kind: 'disposition',
    document: {
      id: 'disposition',
      version: 1,
      rules: [
        // Opened electronics are never restocked as new: they are tested and refurbished.
        { when: { categories: ['electronics'], grades: ['A'] }, then: { action: 'restock', bin: 'RS-ELE' } },
        { when: { categories: ['electronics'], grades: ['B', 'C'] }, then: { action: 'refurbish', bin: 'RF-ELE' } },
        { when: { categories: ['electronics'], grades: ['D'] }, then: { action: 'return_to_vendor', bin: 'RTV-LL' } },
        { when: { categories: ['electronics'], grades: ['F'] }, then: { action: 'recycle', bin: 'WEEE' } },
        { when: { grades: ['A'] }, then: { action: 'restock', bin: 'RS-01' } },
        { when: { grades: ['B'], minValueCents: 5000 }, then: { action: 'restock', bin: 'RS-OPENBOX' } },
        { when: { grades: ['B'] }, then: { action: 'liquidate', bin: 'LQ-01' } },
        { when: { categories: ['apparel', 'footwear'], grades: ['C'] }, then: { action: 'donate', bin: 'DN-01' } },
        { when: { grades: ['C'] }, then: { action: 'repair', bin: 'RP-01' } },
        { when: { grades: ['D'] }, then: { action: 'liquidate', bin: 'LQ-PARTS' } },
      ],
      fallback: { action: 'dispose', bin: 'DSP-01' },
      overrideSupervisorAboveCents: 15000,
    },
  },
  {
    kind: 'refund',
    document: {
      id: 'refund',
      version: 1,
      restockingFee: {
        default: { type: 'none' },
        electronics: { type: 'percent', percent: 15 },
        footwear: { type: 'fixed', cents: 500 },
      },
      gradeDeductionPercent: { A: 0, B: 10, C: 35, D: 70, F: 100 },
      faultReasons: ['defective', 'damaged_in_transit', 'wrong_item', 'not_as_described'],
      shippingRefund: 'fault_only',
    },
  },
  {
    kind: 'fraud',
    document: {
      id: 'fraud',
      version: 1,
      weights: { low: 1, medium: 3, high: 6 },
      serialReturner: { periodDays: 90, minReturns: 4, minValueCents: 30_000, minRate: 0.5, severity: 'medium' },
      itemSwap: { severity: 'high' },
      weightMismatch: { severity: 'high' },
      wardrobing: {
        categories: ['apparel', 'footwear'],
        minValueCents: 8_000,
        tagsQuestion: 'tags',
        tagsRemoved: ['NO'],
        wornQuestion: 'worn',
        worn: ['LIGHT', 'HEAVY'],
        severity: 'medium',
      },
      outsideWindow: { graceDays: 3, severity: 'low' },
      highValue: { thresholdCents: 50_000, severity: 'low' },
      repeatedReason: { periodDays: 180, minSame: 3, severity: 'low' },
      sharedAddress: { minAccounts: 3, severity: 'medium' },
      refundAnomaly: { maxRatioToOrder: 1, severity: 'high' },
      secondSupervisorAboveCents: 20_000,
    },
  },
  {
    kind: 'weight',
    document: {
      id: 'weight',
      version: 1,
      tolerance: { warnGrams: 20, warnPercent: 3, failGrams: 60, failPercent: 8 },
      packagingGrams: 180,
    },
  },
  // The demo's label patterns are the defaults every station starts with.
  { kind: 'barcodes', document: { ...DEFAULT_BARCODE_PATTERNS, id: 'barcodes' } },
];
