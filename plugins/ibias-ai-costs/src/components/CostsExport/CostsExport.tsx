import { useState } from 'react';
import { Button, Flex, Text } from '@backstage/ui';
import { useApi } from '@backstage/frontend-plugin-api';
import { RiDownloadLine } from '@remixicon/react';
import { downloadTextFile } from '@internal/ibias-react';
import { ibiasAiCostsApiRef, type CostQuery, type CsvFile } from '../../api';

/**
 * The view's exports, written by the backend (the same rows, the same teams the caller
 * may read): "Download CSV" of what is shown, and, without a service chosen, the range
 * as a FinOps FOCUS dataset for finance tools.
 */
export function CostsExport(props: { query: CostQuery }) {
  const api = useApi(ibiasAiCostsApiRef);
  const [busy, setBusy] = useState<'csv' | 'focus'>();
  const [error, setError] = useState<string>();
  const { query } = props;

  const download = (which: 'csv' | 'focus', load: () => Promise<CsvFile>) => {
    setBusy(which);
    setError(undefined);
    load()
      .then(file =>
        downloadTextFile(file.filename, file.text, 'text/csv;charset=utf-8'),
      )
      .catch((e: Error) => setError(`The export failed: ${e.message}`))
      .finally(() => setBusy(undefined));
  };

  return (
    <Flex direction="column" align="end" gap="1">
      <Flex align="center" gap="3">
        {!query.entityRef && (
          <Button
            variant="tertiary"
            size="small"
            isDisabled={busy !== undefined}
            onPress={() =>
              download('focus', () =>
                api.exportFocus({ from: query.from, to: query.to }),
              )
            }
          >
            FOCUS export
          </Button>
        )}
        <Button
          variant="secondary"
          size="small"
          iconStart={<RiDownloadLine aria-hidden />}
          isDisabled={busy !== undefined}
          onPress={() => download('csv', () => api.exportCsv(query))}
        >
          Download CSV
        </Button>
      </Flex>
      {error && (
        <Text variant="body-x-small" color="danger" role="alert">
          {error}
        </Text>
      )}
    </Flex>
  );
}
