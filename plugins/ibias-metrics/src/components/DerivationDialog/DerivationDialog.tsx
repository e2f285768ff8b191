import { useEffect, useState } from 'react';
import {
  Cell,
  Column,
  Dialog,
  DialogBody,
  DialogHeader,
  Flex,
  Row,
  Select,
  Skeleton,
  TableBody,
  TableHeader,
  TableRoot,
  Text,
} from '@backstage/ui';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  CsvExportButton,
  ErrorState,
  formatKpiValue,
} from '@internal/ibias-react';
import {
  ibiasMetricsApiRef,
  type KpiRecords,
  type KpiSeries,
  type PeriodKind,
} from '../../api';

const MONEY_COLUMNS = /Micros$/;
const HEADERS: Record<string, string> = {
  customer: 'Customer',
  movement: 'Movement',
  startMrrMicros: 'MRR at start (USD)',
  endMrrMicros: 'MRR at end (USD)',
  input: 'Input',
  value: 'Value',
};
const MONEY_INPUTS =
  /mrr|arpa|cac|spend|new|expansion|contraction|churn|reactivation/i;

/** An input as the dialog shows it: money as money, a missing one as "missing". */
function inputText(name: string, v: number | null): string {
  if (v === null) return 'missing';
  if (MONEY_INPUTS.test(name) && Math.abs(v) >= 1000) {
    return formatKpiValue(v, 'currency');
  }
  return String(+v.toPrecision(4));
}

const header = (column: string) => HEADERS[column] ?? column;
/** A cell as shown and as exported: money in dollars, the rest as it is. */
const cellValue = (column: string, v: string | number | null) =>
  typeof v === 'number' && MONEY_COLUMNS.test(column) ? v / 1_000_000 : v;

/**
 * A KPI's derivation for one period: the formula, its inputs, and the records behind
 * them, exportable as CSV exactly as shown.
 */
export function DerivationDialog(props: {
  series: KpiSeries;
  period: PeriodKind;
  onClose: () => void;
}) {
  const api = useApi(ibiasMetricsApiRef);
  const { series } = props;
  const d = series.definition;
  const [start, setStart] = useState(
    series.points[series.points.length - 1]?.period.start,
  );
  const [records, setRecords] = useState<KpiRecords>();
  const [error, setError] = useState<Error>();
  useEffect(() => {
    if (!start) return;
    setRecords(undefined);
    setError(undefined);
    api.records(d.id, props.period, start).then(setRecords, setError);
  }, [api, d.id, props.period, start]);

  const label = (p: KpiSeries['points'][number]) =>
    `${new Date(p.period.start).toLocaleDateString(undefined, {
      year: 'numeric',
      month: 'short',
      timeZone: 'UTC',
    })}${p.partialLabel ? ` (${p.partialLabel})` : ''}`;

  return (
    <Dialog
      isOpen
      onOpenChange={open => !open && props.onClose()}
      width={760}
      data-testid="derivation-dialog"
    >
      <DialogHeader>{d.title}: how it is computed</DialogHeader>
      <DialogBody>
        <Flex direction="column" gap="3">
          <Select
            label="Period"
            options={[...series.points].reverse().map(p => ({
              value: p.period.start,
              label: label(p),
            }))}
            selectedKey={start}
            onSelectionChange={key => setStart(String(key))}
          />
          {error && (
            <ErrorState
              title="The derivation could not be loaded"
              error={error}
            />
          )}
          {!records && !error && <Skeleton style={{ height: 120 }} />}
          {records && (
            <>
              <Text>
                <strong>
                  {records.point.value === null
                    ? `No value: ${records.point.reason}`
                    : formatKpiValue(records.point.value, d.unit)}
                </strong>{' '}
                = {records.point.formula}
              </Text>
              <Text variant="body-small" color="secondary" data-testid="inputs">
                {Object.entries(records.point.inputs)
                  .map(([k, v]) => `${k} = ${inputText(k, v)}`)
                  .join(' · ')}
              </Text>
              <Flex justify="between" align="center">
                <Text variant="body-small">
                  {records.rows.length} record(s)
                  {records.truncated ? ' (the largest shown)' : ''}
                </Text>
                <CsvExportButton
                  filename={`${d.id}-${start?.slice(0, 10)}.csv`}
                  columns={records.columns.map((c, i) => ({
                    header: header(c),
                    value: (row: KpiRecords['rows'][number]) =>
                      cellValue(c, row[i]),
                  }))}
                  rows={records.rows}
                  size="small"
                />
              </Flex>
              <div style={{ maxHeight: 320, overflow: 'auto' }}>
                <TableRoot aria-label={`Records behind ${d.title}`}>
                  <TableHeader>
                    {records.columns.map((c, i) => (
                      <Column key={c} isRowHeader={i === 0}>
                        {header(c)}
                      </Column>
                    ))}
                  </TableHeader>
                  <TableBody>
                    {records.rows.slice(0, 200).map((row, r) => (
                      <Row key={r}>
                        {row.map((v, i) => (
                          <Cell key={i}>
                            {typeof v === 'number' &&
                            MONEY_COLUMNS.test(records.columns[i])
                              ? `$${(v / 1_000_000).toLocaleString('en-US', {
                                  minimumFractionDigits: 2,
                                  maximumFractionDigits: 2,
                                })}`
                              : String(v ?? '')}
                          </Cell>
                        ))}
                      </Row>
                    ))}
                  </TableBody>
                </TableRoot>
              </div>
            </>
          )}
        </Flex>
      </DialogBody>
    </Dialog>
  );
}
