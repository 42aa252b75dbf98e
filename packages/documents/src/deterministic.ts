/**
 * What keeps the output deterministic: the same Doc gives the same bytes, whenever it is rendered.
 */

/**
 * The date written where a format or library insists on one (PDFKit's creation date, exceljs's
 * created/modified). A fixed, obviously conventional value: it says nothing about when the file
 * was made.
 */
export function fixedDate(): Date {
  // A new Date each time, as Dates are mutable.
  return new Date(Date.UTC(2000, 0, 1));
}

/*
 * DOCX and XLSX files are zip archives, and the zip libraries inside docx and exceljs stamp
 * every entry with the current time. normalizeZipTimestamps sets those stamps to the zip
 * format's epoch (1980-01-01 00:00). Only the two date fields of each header change; the data
 * and its checksums are not touched.
 */

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
// MS-DOS date of 1980-01-01: (year - 1980) << 9 | month << 5 | day; the time 00:00:00 is 0.
const DOS_EPOCH_DATE = (1 << 5) | 1;
const DOS_EPOCH_TIME = 0;

export function normalizeZipTimestamps(zip: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(zip);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const broken = (why: string) => new Error(`Intern fejl: zip-filen kan ikke læses (${why})`);
  // The end record is the last 22 bytes, unless the archive has a comment (ours have none, but
  // search backwards over the longest possible comment to be safe).
  let end = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === END_OF_CENTRAL_DIRECTORY) {
      end = i;
      break;
    }
  }
  if (end < 0) throw broken("slutposten mangler");
  const entries = view.getUint16(end + 10, true);
  let p = view.getUint32(end + 16, true);
  for (let k = 0; k < entries; k++) {
    if (p + 46 > bytes.length || view.getUint32(p, true) !== CENTRAL_HEADER)
      throw broken("indholdsfortegnelse");
    view.setUint16(p + 12, DOS_EPOCH_TIME, true);
    view.setUint16(p + 14, DOS_EPOCH_DATE, true);
    const local = view.getUint32(p + 42, true);
    if (local + 30 > bytes.length || view.getUint32(local, true) !== LOCAL_HEADER) throw broken("filhoved");
    view.setUint16(local + 10, DOS_EPOCH_TIME, true);
    view.setUint16(local + 12, DOS_EPOCH_DATE, true);
    p += 46 + view.getUint16(p + 28, true) + view.getUint16(p + 30, true) + view.getUint16(p + 32, true);
  }
  return bytes;
}
