import { IsNotEmpty, IsString } from 'class-validator';

/** The control service's configuration, validated at start-up. */
export class ControlEnvironment {
  /** The local topology's state file: every node, link, pid and port (the local fault backend's map). */
  @IsString()
  @IsNotEmpty()
  FAULTLINE_STATE_FILE!: string;

  /** Bearer token of the whole API (and of the services' /internal/clock). */
  @IsString()
  @IsNotEmpty()
  FAULTLINE_ADMIN_TOKEN!: string;
}
