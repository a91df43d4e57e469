import {
  type CanActivate,
  type ExecutionContext,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

// Comparing digests gives timingSafeEqual the equal lengths it needs without revealing the
// token's length through an early length check.
const digest = (token: string): Buffer => createHash('sha256').update(token).digest();

/**
 * Lets a request through only with `Authorization: Bearer <FAULTLINE_ADMIN_TOKEN>`, for the
 * endpoints that change a service's behaviour (clock skew, drills). The token is read at
 * construction; with none set every request is refused: the endpoints are never open.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected = process.env.FAULTLINE_ADMIN_TOKEN
    ? digest(process.env.FAULTLINE_ADMIN_TOKEN)
    : undefined;

  canActivate(context: ExecutionContext): boolean {
    if (this.expected === undefined) {
      throw new UnauthorizedException(
        'admin endpoints are disabled: FAULTLINE_ADMIN_TOKEN is unset',
      );
    }
    const { authorization } = context.switchToHttp().getRequest<IncomingMessage>().headers;
    const presented = BEARER.exec(authorization ?? '')?.[1];
    if (presented === undefined) throw new UnauthorizedException('missing bearer token');
    if (!timingSafeEqual(digest(presented), this.expected)) {
      throw new UnauthorizedException('invalid admin token');
    }
    return true;
  }
}
