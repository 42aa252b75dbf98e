export type { CsvParseOptions, CsvParser, CsvSeparator } from "./csv.ts";
export { CsvParseError, createCsvParser, parseCsv, sniffSeparator } from "./csv.ts";
export type { DecodedText, DecodeOptions, TextEncodingName } from "./decode.ts";
export { DEFAULT_MAX_ERRORS, decodeText } from "./decode.ts";
export type { FileError } from "./errors.ts";
export { formatFileError } from "./errors.ts";
export type {
  AmountResult,
  AmountUnit,
  DecimalResult,
  FormatDecimalOptions,
  NumberFormat,
} from "./number.ts";
export {
  decimalFromNumber,
  detectNumberFormat,
  formatDecimal,
  formatOre,
  isEmptyCell,
  parseAmountOre,
  parseDecimal,
} from "./number.ts";
export type { ReadTableOptions } from "./table.ts";
export { readTable } from "./table.ts";
export type { Cell, RawTable, SourceRow, TextError } from "./types.ts";
export type { FormatCellOptions, WriteCsvOptions } from "./write-csv.ts";
export { formatCellForCsv, writeCsv } from "./write-csv.ts";
export type { ReadXlsxOptions, XlsxColumn, XlsxSheet } from "./xlsx.ts";
export { readXlsx, readXlsxSheets, writeXlsx } from "./xlsx.ts";
