import assert from 'node:assert/strict';
import { it } from 'node:test';
import { renderTable } from '../src/table';

it('renderTable aligns columns under the header', () => {
  assert.equal(
    renderTable(
      ['NODE', 'PORT'],
      [
        ['pg-primary', '5432'],
        ['kafka-0', '9092'],
      ],
    ),
    'NODE        PORT\npg-primary  5432\nkafka-0     9092',
  );
});
