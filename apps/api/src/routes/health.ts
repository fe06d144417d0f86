import { healthResponse } from '@groundtruth/domain';
import type { RouteContext } from '../context';
import { ApiRouter } from '../route';

export function healthRoutes({ services }: RouteContext): ApiRouter {
  return new ApiRouter().route(
    {
      method: 'get',
      path: '/api/health',
      tag: 'system',
      summary:
        'Database and queue backend status (503 when degraded, for load balancers and operators) and the live workers',
      response: healthResponse,
    },
    async ({ res }) => {
      const health = await services.system.health();
      res.status(health.success ? 200 : 503);
      return health;
    },
  );
}
