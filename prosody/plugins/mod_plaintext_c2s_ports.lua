-- The playground's "plain TCP" listener: c2s ports that never offer STARTTLS.
--
-- Prosody has one c2s service, and mod_tls offers STARTTLS on every port of it. A
-- teaching listener must show a stream in the clear (a client that sees <starttls/>
-- upgrades), so on the ports listed in `plaintext_c2s_ports` the session gets no TLS
-- context: mod_tls then neither advertises STARTTLS nor accepts it (it answers
-- <failure/> and closes, RFC 6120 section 5.4.2.2). Loopback test servers only.

local plaintext_ports = module:get_option_set("plaintext_c2s_ports", {});

-- Before mod_tls's own stream-features handler (priority 0) asks whether TLS is possible.
module:hook("stream-features", function(event)
	local conn = event.origin.conn;
	-- serverport() is a string; the configured ports are numbers.
	if conn and plaintext_ports:contains(tonumber(conn:serverport())) then
		event.origin.ssl_ctx = false;
	end
end, 1000);
