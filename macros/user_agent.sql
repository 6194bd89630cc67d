{#-
    Device class from a user agent string, with simple ordered rules:
    unknown (missing), bot, tablet (iPad, tablets, Android without "Mobile"),
    mobile (phones), desktop (everything else).
-#}
{%- macro device_type_from_user_agent(user_agent) -%}
    case
        when {{ user_agent }} is null or trim({{ user_agent }}) = '' then 'unknown'
        when regexp_matches({{ user_agent }}, '(?i)bot|crawler|spider|slurp') then 'bot'
        when regexp_matches({{ user_agent }}, '(?i)ipad|tablet|kindle|silk|playbook')
            or (
                regexp_matches({{ user_agent }}, '(?i)android')
                and not regexp_matches({{ user_agent }}, '(?i)mobile')
            ) then 'tablet'
        when regexp_matches({{ user_agent }}, '(?i)mobi|iphone|ipod|android|windows phone|blackberry|opera mini') then 'mobile'
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
        when regexp_matches({{ user_agent }}, '(?i)bot|crawler|spider|slurp') then 'bot'
        when regexp_matches({{ user_agent }}, '(?i)instagram|fban|fbav') then 'in_app'
        when regexp_matches({{ user_agent }}, '(?i)edg(e|a|ios)?/') then 'edge'
        when regexp_matches({{ user_agent }}, '(?i)opr/|opera') then 'opera'
        when regexp_matches({{ user_agent }}, '(?i)samsungbrowser') then 'samsung_internet'
        when regexp_matches({{ user_agent }}, '(?i)firefox/|fxios') then 'firefox'
        when regexp_matches({{ user_agent }}, '(?i)chrome/|crios/|chromium') then 'chrome'
        when regexp_matches({{ user_agent }}, '(?i)msie |trident/') then 'internet_explorer'
        when regexp_matches({{ user_agent }}, '(?i)safari/') then 'safari'
        else 'other'
    end
{%- endmacro -%}
