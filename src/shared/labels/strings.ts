import type { Language } from '../domain/settings';

/**
 * The fixed words printed on warehouse labels, in the station's language. Brand copy on inserts
 * is brand data, not here.
 */
const EN = {
  from: 'FROM',
  shipTo: 'SHIP TO',
  order: 'Order',
  parcel: 'Parcel {index} of {count}',
  weight: 'Weight',
  sscc: 'SSCC',
  generated: 'Generated label — no carrier label data',
  tracking: 'Tracking',
  returnLabel: 'RETURN',
  quarantine: 'QUARANTINE',
  rma: 'RMA',
  case: 'Case',
  received: 'Received',
  clerk: 'Clerk',
  item: 'Item',
  grade: 'Grade',
  to: 'To',
  noRma: 'No RMA',
  qcHold: 'QC HOLD — DO NOT SHIP',
  heldAt: 'Held',
  inspector: 'Inspector',
  defects: 'Defects',
  scanToReinspect: 'Scan the order at the QC bench to re-inspect.',
  station: 'Station',
  commandSheet: 'Command barcodes',
  commandSheetHint: 'Scan a command instead of touching the screen.',
  page: 'Page {page} of {pages}',
  more: '… and {count} more',
  gift: 'A gift for you',
  roles: { packer: 'Packer', qc_inspector: 'QC inspector', returns_clerk: 'Returns clerk', supervisor: 'Supervisor' },
  dispositions: {
    restock: 'Restock',
    refurbish: 'Refurbish',
    repair: 'Repair',
    return_to_vendor: 'Return to vendor',
    liquidate: 'Liquidate',
    donate: 'Donate',
    recycle: 'Recycle',
    dispose: 'Dispose',
  },
  severities: { minor: 'minor', major: 'major', critical: 'critical' },
  sections: {
    everywhere: 'Every bench',
    pack: 'Packing and QC',
    printing: 'Printing',
    returns: 'Returns',
    grades: 'Grades (no rubric)',
    answers: 'Answers',
    dispositions: 'Route to (override)',
    reasons: 'Override reasons',
  },
  commands: {
    logout: 'Log out',
    lock: 'Lock',
    home: 'Home',
    done: 'Done',
    undo: 'Undo',
    cancel: 'Cancel',
    confirm: 'Confirm',
    pass: 'Pass',
    fail: 'Fail',
    skip: 'Skip',
    release: 'Release',
    reject: 'Reject',
    good: 'All good',
    unexpected: 'Unexpected parcel',
    print: 'Print waiting labels',
    reprint: 'Reprint last label',
    yes: 'Yes',
    no: 'No',
  },
};

export type LabelStrings = typeof EN;

const ES: LabelStrings = {
  from: 'REMITENTE',
  shipTo: 'DESTINATARIO',
  order: 'Pedido',
  parcel: 'Bulto {index} de {count}',
  weight: 'Peso',
  sscc: 'SSCC',
  generated: 'Etiqueta generada — sin datos de transportista',
  tracking: 'Seguimiento',
  returnLabel: 'DEVOLUCIÓN',
  quarantine: 'CUARENTENA',
  rma: 'RMA',
  case: 'Caso',
  received: 'Recibido',
  clerk: 'Operario',
  item: 'Artículo',
  grade: 'Grado',
  to: 'A',
  noRma: 'Sin RMA',
  qcHold: 'RETENIDO EN QC — NO ENVIAR',
  heldAt: 'Retenido',
  inspector: 'Inspector',
  defects: 'Defectos',
  scanToReinspect: 'Escanee el pedido en el puesto de QC para reinspeccionar.',
  station: 'Puesto',
  commandSheet: 'Códigos de mando',
  commandSheetHint: 'Escanee un mando en lugar de tocar la pantalla.',
  page: 'Página {page} de {pages}',
  more: '… y {count} más',
  gift: 'Un regalo para ti',
  roles: {
    packer: 'Empaquetador',
    qc_inspector: 'Inspector de QC',
    returns_clerk: 'Devoluciones',
    supervisor: 'Supervisor',
  },
  dispositions: {
    restock: 'Reponer',
    refurbish: 'Reacondicionar',
    repair: 'Reparar',
    return_to_vendor: 'Devolver al proveedor',
    liquidate: 'Liquidar',
    donate: 'Donar',
    recycle: 'Reciclar',
    dispose: 'Desechar',
  },
  severities: { minor: 'leve', major: 'grave', critical: 'crítico' },
  sections: {
    everywhere: 'En todos los puestos',
    pack: 'Empaquetado y QC',
    printing: 'Impresión',
    returns: 'Devoluciones',
    grades: 'Grados (sin rúbrica)',
    answers: 'Respuestas',
    dispositions: 'Enviar a (cambio)',
    reasons: 'Motivos del cambio',
  },
  commands: {
    logout: 'Cerrar sesión',
    lock: 'Bloquear',
    home: 'Inicio',
    done: 'Hecho',
    undo: 'Deshacer',
    cancel: 'Cancelar',
    confirm: 'Confirmar',
    pass: 'Correcto',
    fail: 'Fallo',
    skip: 'Omitir',
    release: 'Liberar',
    reject: 'Rechazar',
    good: 'Todo bien',
    unexpected: 'Bulto inesperado',
    print: 'Imprimir etiquetas pendientes',
    reprint: 'Reimprimir la última etiqueta',
    yes: 'Sí',
    no: 'No',
  },
};

export function labelStrings(language: Language): LabelStrings {
  return language === 'es' ? ES : EN;
}

/** Fills `{key}` placeholders. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) =>
    values[key] === undefined ? whole : String(values[key]),
  );
}

/** `2026-11-22 09:14` in UTC: labels are read across time zones, and UTC is unambiguous. */
export function formatStamp(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}

export function formatDate(ms: number): string {
  return formatStamp(ms).slice(0, 10);
}

/** `1.24 kg` from grams. */
export function formatKg(grams: number): string {
  return `${(grams / 1000).toFixed(2)} kg`;
}
