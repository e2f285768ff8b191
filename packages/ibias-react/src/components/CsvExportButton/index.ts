export {
  CsvExportButton,
  downloadTextFile,
  type CsvExportButtonProps,
} from './CsvExportButton';
