import { Connection, Client } from '@temporalio/client';
const connection = await Connection.connect({ address: '127.0.0.1:7233' });
const client = new Client({ connection });
for (const id of process.argv.slice(2)) {
  const h = await client.workflow.getHandle(id).fetchHistory();
  const events = h.events ?? [];
  const t0 = Number(events[0]!.eventTime!.seconds) * 1000 + events[0]!.eventTime!.nanos! / 1e6;
  let prev = t0;
  console.log(`== ${id}: ${events.length} events`);
  for (const e of events) {
    const t = Number(e.eventTime!.seconds) * 1000 + e.eventTime!.nanos! / 1e6;
    const type = Object.keys(e).find((k) => k.endsWith('Attributes') && (e as any)[k]) ?? '';
    const act = (e as any).activityTaskScheduledEventAttributes?.activityType?.name ?? (e as any).markerRecordedEventAttributes?.markerName ?? '';
    console.log(`${(t - t0).toFixed(0).padStart(6)} +${(t - prev).toFixed(0).padStart(5)} ${type.replace('EventAttributes', '')} ${act}`);
    prev = t;
  }
}
await connection.close();
