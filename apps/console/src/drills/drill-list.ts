import type { Drill } from '@faultline/contracts';
import type { ControlConnection } from '../control-connection';
import { el } from '../dom';
import { paramsText } from './drill-text';

const describe = (drill: Drill): string => {
  const params = paramsText(drill.params);
  return `${drill.kind} ${drill.target}${drill.node ? ` (${drill.node})` : ''}${params ? ` ${params}` : ''}`;
};

const secondsLeft = (drill: Drill): string =>
  `${Math.max(0, Math.round((Date.parse(drill.expiresAt) - Date.now()) / 1000))} s left`;

/** Active drills, each with its Heal button, and the last ones ended. */
export class DrillList {
  readonly element = el('section', { class: 'drill-list' });
  private readonly message = el('p', { class: 'form-message', role: 'alert' });

  constructor(
    private readonly control: ControlConnection,
    private readonly changed: () => void,
  ) {}

  update(drills: Drill[]): void {
    const active = drills.filter((d) => d.state === 'active');
    const ended = drills
      .filter((d) => d.state !== 'active')
      .slice(-8)
      .reverse();
    const parts = [
      el(
        'h3',
        {},
        `Active drills (${active.length}) `,
        active.length > 1
          ? el(
              'button',
              {
                class: 'heal-all',
                onclick: () => void this.heal(() => this.control.api.healAll()),
              },
              'Heal all',
            )
          : null,
      ),
      active.length
        ? el(
            'ul',
            {},
            ...active.map((d) =>
              el(
                'li',
                { 'data-drill': d.id, 'data-state': d.state },
                el('code', {}, d.id),
                ` ${describe(d)} · ${secondsLeft(d)} `,
                el(
                  'button',
                  {
                    class: 'heal',
                    onclick: () => void this.heal(() => this.control.api.heal(d.id)),
                  },
                  'Heal',
                ),
              ),
            ),
          )
        : el(
            'p',
            { class: 'quiet' },
            'None: the topology is healthy unless a node says otherwise.',
          ),
      this.message,
      ended.length ? el('h3', {}, 'Ended') : null,
      ended.length
        ? el(
            'ul',
            { class: 'ended' },
            ...ended.map((d) =>
              el(
                'li',
                { 'data-drill': d.id, 'data-state': d.state },
                el('code', {}, d.id),
                ` ${describe(d)} · ${d.state}${d.error ? `: ${d.error}` : ''}${d.result ? `: ${d.result}` : ''}`,
              ),
            ),
          )
        : null,
    ];
    this.element.replaceChildren(...parts.filter((p) => p !== null));
  }

  private async heal(request: () => Promise<unknown>): Promise<void> {
    this.message.textContent = '';
    try {
      await request();
      this.changed();
    } catch (err) {
      this.message.textContent = (err as Error).message;
    }
  }
}
