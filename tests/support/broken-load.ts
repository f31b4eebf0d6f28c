import type pg from 'pg';
import type { SourceWriter } from './source-writer.ts';

/**
 * Makes the next load write a broken fact row: the order line's source row is touched, so the next
 * run rewrites its fact row, and a trigger adds 0.01 to its net amount as the run writes it (a faulty
 * load). The data-quality gate after an incremental run checks only the rows that run wrote, so a
 * row broken behind the run's back would not do. Returns the undo: the trigger dropped, the amount
 * restored.
 */
export async function breakNextLoadOf(
  warehouse: pg.Pool,
  writer: SourceWriter,
  orderItemId: number,
): Promise<() => Promise<void>> {
  const id = Math.trunc(orderItemId);
  await warehouse.query(`
    create or replace function dwh._test_broken_load() returns trigger language plpgsql as $$
    begin new.net_amount := new.net_amount + 0.01; return new; end $$;
    create trigger _test_broken_load before insert or update on dwh.fact_sales
    for each row when (new.order_item_id = ${id}) execute function dwh._test_broken_load();`);
  await writer.exec('orders', 'UPDATE order_items SET updated_at = now(6) WHERE id = ?', [id]);
  return async () => {
    await warehouse.query(`
      drop trigger if exists _test_broken_load on dwh.fact_sales;
      drop function if exists dwh._test_broken_load();`);
    await warehouse.query(
      'update dwh.fact_sales set net_amount = gross_amount - discount_amount where order_item_id = $1',
      [id],
    );
  };
}
