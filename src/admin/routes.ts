/**
 * The administration API (README, Administration API), mounted at /admin/v1: team members by
 * HTTP Basic; every route below /backends/{backendId} is limited to the member's backends.
 */
import { Hono } from 'hono';
import { type AdminEnv, backendAccess, requireMember } from './access';
import { backendRoutes } from './backends';
import { clientRoutes } from './clients';
import { registryRoutes } from './devices';
import { linkRoutes } from './links';
import { profileRoutes } from './profiles';

export const adminRoutes = new Hono<AdminEnv>();

adminRoutes.use('*', requireMember);
adminRoutes.use('/backends/:backendId/*', backendAccess);
adminRoutes.route('/backends', backendRoutes);
adminRoutes.route('/backends/:backendId/clients', clientRoutes);
adminRoutes.route('/backends/:backendId/profiles', profileRoutes);
adminRoutes.route('/backends/:backendId/clients/:clientId/profiles', linkRoutes);
adminRoutes.route('/backends/:backendId/devices', registryRoutes);
