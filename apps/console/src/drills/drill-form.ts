import {
  DEFAULT_TTL_SECONDS,
  type Drill,
  type DrillKindView,
  type DrillParamSpec,
  type DrillParams,
  MAX_TTL_SECONDS,
} from '@faultline/contracts';
import type { ControlConnection } from '../control-connection';
import { el } from '../dom';

/** A param's input: a number field with its bounds, or a choice. */
function paramInput(spec: DrillParamSpec): HTMLInputElement | HTMLSelectElement {
  if (spec.type === 'choice') {
    return el(
      'select',
      { name: spec.name },
      ...spec.values.map((v) => el('option', { value: v, selected: v === spec.default }, v)),
    );
  }
  return el('input', {
    type: 'number',
    name: spec.name,
    min: spec.minimum,
    max: spec.maximum,
    step: 1,
    required: spec.required,
    value: spec.default,
    placeholder: `${spec.minimum} to ${spec.maximum}`,
  });
}

/**
 * Starts a drill: kind, then the targets and params control says that kind takes now
 * (`GET /drill-kinds`), and a TTL. What control refuses is shown beside the form, in its words.
 */
export class DrillForm {
  readonly element: HTMLFormElement;
  private readonly kind = el('select', { name: 'kind', 'aria-label': 'kind' });
  private readonly target = el('select', { name: 'target', 'aria-label': 'target' });
  private readonly params = el('div', { class: 'params' });
  private readonly ttl = el('input', {
    type: 'number',
    name: 'ttlSeconds',
    min: 1,
    max: MAX_TTL_SECONDS,
    step: 1,
    value: DEFAULT_TTL_SECONDS,
    'aria-label': 'TTL in seconds',
  });
  private readonly message = el('p', { class: 'form-message', role: 'alert' });
  private kinds: DrillKindView[] = [];

  constructor(
    private readonly control: ControlConnection,
    private readonly started: (drill: Drill) => void,
  ) {
    this.element = el(
      'form',
      { class: 'drill-form', id: 'drill-form' },
      el('h3', {}, 'Start a drill'),
      el('label', {}, 'kind ', this.kind),
      el('label', {}, 'target ', this.target),
      this.params,
      el('label', {}, 'TTL (s) ', this.ttl),
      el('button', { type: 'submit' }, 'Start'),
      this.message,
    );
    this.kind.addEventListener('change', () => this.showKind());
    this.element.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.submit();
    });
  }

  /** Refreshes the kinds and their targets (targets move with roles), keeping the choices made. */
  update(kinds: DrillKindView[]): void {
    const known = JSON.stringify(this.kinds);
    this.kinds = kinds;
    if (JSON.stringify(kinds) === known) return;
    const chosen = this.kind.value;
    this.kind.replaceChildren(...kinds.map((k) => el('option', { value: k.kind }, k.kind)));
    if (kinds.some((k) => k.kind === chosen)) this.kind.value = chosen;
    this.showKind();
  }

  private showKind(): void {
    const kind = this.kinds.find((k) => k.kind === this.kind.value);
    if (!kind) return;
    const chosen = this.target.value;
    this.target.replaceChildren(...kind.targets.map((t) => el('option', { value: t }, t)));
    if (kind.targets.includes(chosen)) this.target.value = chosen;
    const shown = new Set(
      [...this.params.querySelectorAll('[name]')].map((e) => e.getAttribute('name')),
    );
    if (kind.params.length === shown.size && kind.params.every((p) => shown.has(p.name))) return;
    this.params.replaceChildren(
      ...kind.params.map((spec) =>
        el(
          'label',
          { title: spec.description },
          `${spec.name}${spec.required ? '' : ' (optional)'} `,
          paramInput(spec),
        ),
      ),
    );
  }

  private async submit(): Promise<void> {
    const kind = this.kinds.find((k) => k.kind === this.kind.value);
    if (!kind) return;
    const params: DrillParams = {};
    for (const spec of kind.params) {
      const input = this.params.querySelector<HTMLInputElement>(`[name="${spec.name}"]`);
      if (!input || input.value === '') continue;
      params[spec.name] = spec.type === 'integer' ? Number(input.value) : input.value;
    }
    this.say('', 'pending');
    try {
      const drill = await this.control.api.startDrill({
        kind: kind.kind,
        target: this.target.value,
        ...(kind.params.length ? { params } : {}),
        ttlSeconds: Number(this.ttl.value),
      });
      this.say(
        drill.state === 'failed'
          ? `${drill.id} failed: ${drill.error}`
          : `${drill.id} started${drill.result ? `: ${drill.result}` : ''}`,
        drill.state === 'failed' ? 'error' : 'ok',
      );
      this.started(drill);
    } catch (err) {
      this.say((err as Error).message, 'error');
    }
  }

  private say(text: string, state: 'ok' | 'error' | 'pending'): void {
    this.message.textContent = text;
    this.message.dataset.state = state;
  }
}
