# The support console (issue 17, docs/decisions/0090-support-console.md): the page and its assets are
# public (they hold no data), the search API sits behind a JWT authorizer. The identity provider is a
# Cognito user pool created here unless `console_oidc` names another OIDC issuer (Google Workspace,
# Okta, Entra ID). The IAM routes stay as they are for service-to-service lookups.

locals {
  console_count  = var.enabled && var.console_enabled ? 1 : 0
  cognito_count  = local.console_count == 1 && var.console_oidc == null ? 1 : 0
  cognito_domain = coalesce(var.console_cognito_domain_prefix, "${var.name_prefix}-support")
  cognito_base   = "https://${local.cognito_domain}.auth.${local.region}.amazoncognito.com"
  console_url    = var.enabled ? "${aws_apigatewayv2_api.this[0].api_endpoint}/console" : null

  console_public_routes = local.console_count == 1 ? toset(["GET /console", "GET /console/assets/{name}"]) : toset([])
  console_search_route  = "GET /console/api/search"

  # What the page (CONSOLE_OIDC_*) and the authorizer (issuer, audience) need, from either source.
  console_login = local.console_count == 0 ? null : (
    var.console_oidc != null ? {
      issuer        = var.console_oidc.issuer
      audience      = var.console_oidc.audience
      authorize_url = var.console_oidc.authorize_url
      token_url     = var.console_oidc.token_url
      client_id     = var.console_oidc.client_id
      scopes        = var.console_oidc.scopes
      token_use     = var.console_oidc.token_use
      } : {
      issuer        = "https://cognito-idp.${local.region}.amazonaws.com/${aws_cognito_user_pool.console[0].id}"
      audience      = [aws_cognito_user_pool_client.console[0].id]
      authorize_url = "${local.cognito_base}/oauth2/authorize"
      token_url     = "${local.cognito_base}/oauth2/token"
      client_id     = aws_cognito_user_pool_client.console[0].id
      scopes        = "openid email"
      token_use     = "access_token" # Cognito access tokens carry client_id, which the authorizer checks
    }
  )
  console_environment = local.console_count == 0 ? {} : {
    CONSOLE_ENABLED            = "true"
    CONSOLE_AUTH               = "jwt" # the local no-login mode is never deployable (the handler refuses it in Lambda too)
    CONSOLE_OIDC_AUTHORIZE_URL = local.console_login.authorize_url
    CONSOLE_OIDC_TOKEN_URL     = local.console_login.token_url
    CONSOLE_OIDC_CLIENT_ID     = local.console_login.client_id
    CONSOLE_OIDC_SCOPES        = local.console_login.scopes
    CONSOLE_OIDC_TOKEN_USE     = local.console_login.token_use
  }
}

resource "aws_cognito_user_pool" "console" {
  count = local.cognito_count

  name                     = "${var.name_prefix}-support-console"
  deletion_protection      = "ACTIVE"
  mfa_configuration        = "ON"
  username_attributes      = ["email"]
  auto_verified_attributes = ["email"]

  # Support staff are invited by an administrator; nobody signs themselves up.
  admin_create_user_config {
    allow_admin_create_user_only = true
  }

  software_token_mfa_configuration {
    enabled = true
  }

  password_policy {
    minimum_length                   = 14
    require_lowercase                = true
    require_uppercase                = true
    require_numbers                  = true
    require_symbols                  = true
    temporary_password_validity_days = 3
  }

  account_recovery_setting {
    recovery_mechanism {
      name     = "verified_email"
      priority = 1
    }
  }

  tags = var.tags
}

resource "aws_cognito_user_pool_domain" "console" {
  count = local.cognito_count

  domain       = local.cognito_domain
  user_pool_id = aws_cognito_user_pool.console[0].id
}

resource "aws_cognito_user_pool_client" "console" {
  count = local.cognito_count

  name         = "${var.name_prefix}-support-console"
  user_pool_id = aws_cognito_user_pool.console[0].id

  # A browser app: public client, authorization code with PKCE, no secret.
  generate_secret                      = false
  allowed_oauth_flows_user_pool_client = true
  allowed_oauth_flows                  = ["code"]
  allowed_oauth_scopes                 = ["openid", "email"]
  supported_identity_providers         = ["COGNITO"]
  callback_urls                        = [local.console_url]
  logout_urls                          = [local.console_url]
  prevent_user_existence_errors        = "ENABLED"
  enable_token_revocation              = true
  explicit_auth_flows                  = ["ALLOW_REFRESH_TOKEN_AUTH"]
  access_token_validity                = 1
  id_token_validity                    = 1
  refresh_token_validity               = 1

  token_validity_units {
    access_token  = "hours"
    id_token      = "hours"
    refresh_token = "days"
  }
}

resource "aws_apigatewayv2_authorizer" "console" {
  count = local.console_count

  api_id           = aws_apigatewayv2_api.this[0].id
  name             = "support-console"
  authorizer_type  = "JWT"
  identity_sources = ["$request.header.Authorization"]

  jwt_configuration {
    issuer   = local.console_login.issuer
    audience = local.console_login.audience
  }
}

resource "aws_apigatewayv2_route" "console_public" {
  #checkov:skip=CKV_AWS_309:the console page and its CSS/JS are the same static files for everyone and carry no data; every data route (console search, IAM lookups) is authorised
  for_each = local.console_public_routes

  api_id             = aws_apigatewayv2_api.this[0].id
  route_key          = each.value
  authorization_type = "NONE"
  target             = "integrations/${aws_apigatewayv2_integration.this[0].id}"
}

resource "aws_apigatewayv2_route" "console_search" {
  count = local.console_count

  api_id             = aws_apigatewayv2_api.this[0].id
  route_key          = local.console_search_route
  authorization_type = "JWT"
  authorizer_id      = aws_apigatewayv2_authorizer.console[0].id
  target             = "integrations/${aws_apigatewayv2_integration.this[0].id}"
}
