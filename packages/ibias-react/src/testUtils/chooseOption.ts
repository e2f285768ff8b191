import { fireEvent, screen, within } from '@testing-library/react';

/** Opens a @backstage/ui Select (found by its test id) and picks an option by its name. */
export async function chooseOption(testId: string, option: string | RegExp) {
  fireEvent.click(
    within(await screen.findByTestId(testId)).getByRole('button'),
  );
  const listbox = await screen.findByRole('listbox');
  fireEvent.click(within(listbox).getByRole('option', { name: option }));
}

/** The names of a @backstage/ui Select's options (it is left open). */
export async function optionNames(testId: string) {
  fireEvent.click(
    within(await screen.findByTestId(testId)).getByRole('button'),
  );
  const listbox = await screen.findByRole('listbox');
  return within(listbox)
    .getAllByRole('option')
    .map(o => o.textContent);
}
