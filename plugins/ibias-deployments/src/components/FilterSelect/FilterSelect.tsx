import { Select } from '@backstage/ui';

/** The key of the "All" choice (react-aria keys cannot be empty). */
const ALL = '*';

export interface FilterSelectProps {
  id: string;
  label: string;
  value: string | undefined;
  options: Array<[value: string, label: string]>;
  /** The label of "no filter" ("All" unless given). */
  all?: string;
  onChange(value: string | undefined): void;
}

/** A filter's select: "All" (no filter) and the given options. */
export function FilterSelect(props: FilterSelectProps) {
  return (
    <Select
      label={props.label}
      data-testid={props.id}
      style={{ minWidth: 160 }}
      options={[
        { id: ALL, label: props.all ?? 'All' },
        ...props.options.map(([id, label]) => ({ id, label })),
      ]}
      value={props.value ?? ALL}
      onChange={key =>
        props.onChange(key === ALL || key === null ? undefined : String(key))
      }
    />
  );
}
