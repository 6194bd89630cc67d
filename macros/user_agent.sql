{#-
    Device class from a user agent string, with simple ordered rules:
    unknown (missing), bot, tablet (iPad, tablets, Android without "Mobile"),
    mobile (phones), desktop (everything else).
-#}
{%- macro device_type_from_user_agent(user_agent) -%}
    case
        when {{ user_agent }} is null or trim({{ user_agent }}) = '' then 'unknown'
        when {{ matches_ignoring_case(user_agent, 'bot|crawler|spider|slurp') }} then 'bot'
        when {{ matches_ignoring_case(user_agent, 'ipad|tablet|kindle|silk|playbook') }}
            or (
                {{ matches_ignoring_case(user_agent, 'android') }}
                and not {{ matches_ignoring_case(user_agent, 'mobile') }}
            ) then 'tablet'
        when {{ matches_ignoring_case(user_agent, 'mobi|iphone|ipod|android|windows phone|blackberry|opera mini') }} then 'mobile'
        else 'desktop'
    end
{%- endmacro -%}

{#-
    Browser family from a user agent string. Order matters: Edge and Opera also say "Chrome",
    Chrome also says "Safari", in-app browsers (Instagram, Facebook) say neither or both.
-#}
{%- macro browser_from_user_agent(user_agent) -%}
    case
        when {{ user_agent }} is null or trim({{ user_agent }}) = '' then 'unknown'
        when {{ matches_ignoring_case(user_agent, 'bot|crawler|spider|slurp') }} then 'bot'
        when {{ matches_ignoring_case(user_agent, 'instagram|fban|fbav') }} then 'in_app'
        when {{ matches_ignoring_case(user_agent, 'edg(e|a|ios)?/') }} then 'edge'
        when {{ matches_ignoring_case(user_agent, 'opr/|opera') }} then 'opera'
        when {{ matches_ignoring_case(user_agent, 'samsungbrowser') }} then 'samsung_internet'
        when {{ matches_ignoring_case(user_agent, 'firefox/|fxios') }} then 'firefox'
        when {{ matches_ignoring_case(user_agent, 'chrome/|crios/|chromium') }} then 'chrome'
        when {{ matches_ignoring_case(user_agent, 'msie |trident/') }} then 'internet_explorer'
        when {{ matches_ignoring_case(user_agent, 'safari/') }} then 'safari'
        else 'other'
    end
{%- endmacro -%}
