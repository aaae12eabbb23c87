<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AboutDialog</name>
    <message>
        <source>About visrec</source>
        <translation>关于 visrec</translation>
    </message>
</context>
<context>
    <name>CardDelegate</name>
    <message>
        <source>Liked</source>
        <translation>已喜欢</translation>
    </message>
    <message>
        <source>No image</source>
        <translation>无图片</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
</context>
<context>
    <name>CardView</name>
    <message>
        <source>Recommended items</source>
        <translation>推荐商品</translation>
    </message>
    <message>
        <source>L likes, D dislikes and H hides the selected item</source>
        <translation>按 L 喜欢、D 不喜欢、H 隐藏所选商品</translation>
    </message>
</context>
<context>
    <name>CatalogsPage</name>
    <message>
        <source>Catalog</source>
        <translation>商品目录</translation>
    </message>
    <message>
        <source>Publisher</source>
        <translation>发布者</translation>
    </message>
    <message>
        <source>Items</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Signature</source>
        <translation>签名</translation>
    </message>
    <message>
        <source>Installed</source>
        <translation>安装时间</translation>
    </message>
    <message>
        <source>Signed, key {fingerprint}</source>
        <translation>已签名，密钥指纹 {fingerprint}</translation>
    </message>
    <message>
        <source>Unsigned</source>
        <translation>未签名</translation>
    </message>
    <message>
        <source>1 item left out:</source>
        <translation>有 1 件商品未收录：</translation>
    </message>
    <message>
        <source>{n} items left out:</source>
        <translation>有 {n} 件商品未收录：</translation>
    </message>
    <message>
        <source>Updated “{name}” ({id}): {usable} of {items} items ready, in {seconds} s ({embedded} images analysed here, {reused} re-used).</source>
        <translation>已更新“{name}”（{id}）：{items} 件商品中 {usable} 件可用，耗时 {seconds} 秒（在本机分析了 {embedded} 张图片，复用 {reused} 张）。</translation>
    </message>
    <message>
        <source>Installed “{name}” ({id}): {usable} of {items} items ready, in {seconds} s ({embedded} images analysed here, {reused} re-used).</source>
        <translation>已安装“{name}”（{id}）：{items} 件商品中 {usable} 件可用，耗时 {seconds} 秒（在本机分析了 {embedded} 张图片，复用 {reused} 张）。</translation>
    </message>
    <message>
        <source>Publisher: {publisher}. {signature}.</source>
        <translation>发布者：{publisher}。{signature}。</translation>
    </message>
    <message>
        <source>Warning: {warning}.</source>
        <translation>警告：{warning}。</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>{name} ({id}) — demo catalog</source>
        <translation>{name}（{id}）— 演示目录</translation>
    </message>
    <message>
        <source>{usable} of {items} items usable; published {published}.</source>
        <translation>{items} 件商品中 {usable} 件可用；发布于 {published}。</translation>
    </message>
    <message>
        <source>Catalogs</source>
        <translation>商品目录</translation>
    </message>
    <message>
        <source>Catalogs are product lists from shops, ranked here for your taste. Drop a catalog bundle (.zip or folder) on this page, or import one.</source>
        <translation>商品目录是商店提供的商品清单，visrec 会按你的喜好为其排序。把商品目录包（.zip 文件或文件夹）拖到此页，或点击“导入”。</translation>
    </message>
    <message>
        <source>Import...</source>
        <translation>导入…</translation>
    </message>
    <message>
        <source>Import a catalog bundle</source>
        <translation>导入商品目录包</translation>
    </message>
    <message>
        <source>Update...</source>
        <translation>更新…</translation>
    </message>
    <message>
        <source>Update the selected catalog from a new bundle</source>
        <translation>用新的目录包更新所选商品目录</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Remove the selected catalog</source>
        <translation>移除所选商品目录</translation>
    </message>
    <message>
        <source>Installed catalogs</source>
        <translation>已安装的商品目录</translation>
    </message>
    <message>
        <source>Catalog import progress</source>
        <translation>商品目录导入进度</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Cancel the catalog import</source>
        <translation>取消导入商品目录</translation>
    </message>
    <message>
        <source>Catalog details and import report</source>
        <translation>商品目录详情与导入报告</translation>
    </message>
    <message>
        <source>Select a catalog to see its details.</source>
        <translation>选择一个商品目录以查看详情。</translation>
    </message>
    <message>
        <source>{name} (demo)</source>
        <translation>{name}（演示）</translation>
    </message>
    <message>
        <source>{name} ({id}): a demo catalog, fictitious shop and prices</source>
        <translation>{name}（{id}）：演示目录，商店和价格均为虚构</translation>
    </message>
    <message>
        <source>{usable} of {items} usable</source>
        <translation>{usable}/{items} 件可用</translation>
    </message>
    <message>
        <source>1 item left out</source>
        <translation>有 1 件商品未收录</translation>
    </message>
    <message>
        <source>{n} items left out</source>
        <translation>有 {n} 件商品未收录</translation>
    </message>
    <message>
        <source>Import a catalog</source>
        <translation>导入商品目录</translation>
    </message>
    <message>
        <source>Choose the new version of “{id}”</source>
        <translation>选择“{id}”的新版本</translation>
    </message>
    <message>
        <source>Catalog bundles (*.zip);;All files (*)</source>
        <translation>商品目录包 (*.zip);;所有文件 (*)</translation>
    </message>
    <message>
        <source>{file} queued: imported after the current one</source>
        <translation>{file} 已排队：将在当前导入完成后导入</translation>
    </message>
    <message>
        <source>This bundle holds the catalog “{found}”, not a new version of “{expected}”. Use Import... to add it as another catalog</source>
        <translation>此目录包包含的是商品目录“{found}”，而不是“{expected}”的新版本。请使用“导入…”将其添加为另一个商品目录</translation>
    </message>
    <message>
        <source>Importing {file}...</source>
        <translation>正在导入 {file}…</translation>
    </message>
    <message>
        <source>Checking {file}...</source>
        <translation>正在检查 {file}…</translation>
    </message>
    <message>
        <source>Setting up the demo catalog...</source>
        <translation>正在准备演示目录…</translation>
    </message>
    <message>
        <source>{done} of {total} images</source>
        <translation>第 {done}/{total} 张图片</translation>
    </message>
    <message>
        <source> · about {seconds} s left</source>
        <translation> · 约剩 {seconds} 秒</translation>
    </message>
    <message>
        <source>Import of {file} cancelled: nothing changed.</source>
        <translation>已取消导入 {file}：没有任何更改。</translation>
    </message>
    <message>
        <source>Catalog import cancelled</source>
        <translation>已取消导入商品目录</translation>
    </message>
    <message>
        <source>Updated “{name}”: {usable} of {items} items ready</source>
        <translation>已更新“{name}”：{items} 件商品中 {usable} 件可用</translation>
    </message>
    <message>
        <source>Installed “{name}”: {usable} of {items} items ready</source>
        <translation>已安装“{name}”：{items} 件商品中 {usable} 件可用</translation>
    </message>
    <message>
        <source>Install an older version?</source>
        <translation>安装旧版本？</translation>
    </message>
    <message>
        <source>{reason}.

Installing it rolls the catalog back: items, prices or links the shop has since changed may come back. Install it anyway?</source>
        <translation>{reason}。

安装它会让商品目录回退：商店后来修改过的商品、价格或链接可能会恢复成旧的样子。仍要安装吗？</translation>
    </message>
    <message>
        <source>{file} was not installed: it is older than the installed version.</source>
        <translation>{file} 未安装：它比已安装的版本更旧。</translation>
    </message>
    <message>
        <source>{file} was not installed: {reason}.
The catalogs already installed have not changed.</source>
        <translation>{file} 未安装：{reason}。
已安装的商品目录没有任何变化。</translation>
    </message>
    <message>
        <source>Cancelling...</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>{file} is not a catalog bundle (a .zip file or a folder); photo folders go on the Library page</source>
        <translation>{file} 不是商品目录包（.zip 文件或文件夹）；照片文件夹请拖到“照片库”页</translation>
    </message>
    <message>
        <source>Remove catalog</source>
        <translation>移除商品目录</translation>
    </message>
    <message>
        <source>Remove the catalog “{name}”?

Your likes and dislikes on its items are kept in case you import it again.</source>
        <translation>移除商品目录“{name}”？

你对其中商品的喜欢和不喜欢会保留，以便你再次导入时使用。</translation>
    </message>
    <message>
        <source>Catalog “{id}” removed</source>
        <translation>已移除商品目录“{id}”</translation>
    </message>
</context>
<context>
    <name>DetailsPanel</name>
    <message>
        <source>Select an item to see it here, with the photos of yours it resembles.</source>
        <translation>选择一件商品，在这里查看它，以及与它相似的你的照片。</translation>
    </message>
    <message>
        <source>Item image (click to see it large)</source>
        <translation>商品图片（点击查看大图）</translation>
    </message>
    <message>
        <source>Item link (not opened by the app)</source>
        <translation>商品链接（应用不会打开）</translation>
    </message>
    <message>
        <source>Copy link</source>
        <translation>复制链接</translation>
    </message>
    <message>
        <source>Copy the item&apos;s link to the clipboard</source>
        <translation>把商品链接复制到剪贴板</translation>
    </message>
    <message>
        <source>visrec never opens the internet; paste the link into your browser if you want to visit the shop</source>
        <translation>visrec 从不联网；如果想访问商店，请把链接粘贴到浏览器中</translation>
    </message>
    <message>
        <source>Open product page…</source>
        <translation>打开商品页面…</translation>
    </message>
    <message>
        <source>Open the product page in your web browser</source>
        <translation>在网页浏览器中打开商品页面</translation>
    </message>
    <message>
        <source>Asks first; your browser, not visrec, connects to the shop</source>
        <translation>会先询问你；连接商店的是你的浏览器，而不是 visrec</translation>
    </message>
    <message>
        <source>Like</source>
        <translation>喜欢</translation>
    </message>
    <message>
        <source>Like this item</source>
        <translation>喜欢这件商品</translation>
    </message>
    <message>
        <source>More like this (L)</source>
        <translation>多推荐类似的（L）</translation>
    </message>
    <message>
        <source>Dislike</source>
        <translation>不喜欢</translation>
    </message>
    <message>
        <source>Dislike this item</source>
        <translation>不喜欢这件商品</translation>
    </message>
    <message>
        <source>Less like this (D)</source>
        <translation>少推荐类似的（D）</translation>
    </message>
    <message>
        <source>Hide</source>
        <translation>隐藏</translation>
    </message>
    <message>
        <source>Hide this item</source>
        <translation>隐藏这件商品</translation>
    </message>
    <message>
        <source>Never show this item again (H)</source>
        <translation>不再显示这件商品（H）</translation>
    </message>
    <message>
        <source>Similar photo {n}</source>
        <translation>相似照片 {n}</translation>
    </message>
    <message>
        <source>Why this item</source>
        <translation>推荐理由</translation>
    </message>
    <message>
        <source>Category: {category}</source>
        <translation>类别：{category}</translation>
    </message>
    <message>
        <source>Finding the photos of yours it resembles…</source>
        <translation>正在查找与它相似的你的照片…</translation>
    </message>
    <message>
        <source>No link given</source>
        <translation>未提供链接</translation>
    </message>
    <message>
        <source>Recommended from your feedback and the catalog</source>
        <translation>根据你的反馈和商品目录推荐</translation>
    </message>
    <message>
        <source>{reason} (your interest “{interest}”)</source>
        <translation>{reason}（你的兴趣“{interest}”）</translation>
    </message>
    <message>
        <source>No photos of yours to compare it with yet.</source>
        <translation>还没有可以与它比较的照片。</translation>
    </message>
    <message>
        <source>{percent} similar</source>
        <translation>相似度 {percent}</translation>
    </message>
    <message>
        <source>Your similar photo {n}, {percent}</source>
        <translation>你的相似照片 {n}，{percent}</translation>
    </message>
    <message>
        <source>Open product page</source>
        <translation>打开商品页面</translation>
    </message>
    <message>
        <source>Your web browser will open
{url}

The shop will see that visit. visrec itself sends nothing.</source>
        <translation>你的网页浏览器将打开
{url}

商店会看到这次访问。visrec 本身不发送任何内容。</translation>
    </message>
    <message>
        <source>Open in browser</source>
        <translation>在浏览器中打开</translation>
    </message>
    <message>
        <source>No image</source>
        <translation>无图片</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
</context>
<context>
    <name>FeedbackDialog</name>
    <message>
        <source>Liked</source>
        <translation>喜欢</translation>
    </message>
    <message>
        <source>Disliked</source>
        <translation>不喜欢</translation>
    </message>
    <message>
        <source>Hidden</source>
        <translation>已隐藏</translation>
    </message>
    <message>
        <source>Everything</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Your feedback</source>
        <translation>你的反馈</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Take back</source>
        <translation>撤回</translation>
    </message>
    <message>
        <source>Take back the selected feedback</source>
        <translation>撤回所选反馈</translation>
    </message>
    <message>
        <source>The item returns to For You as if you had said nothing (Delete)</source>
        <translation>这件商品会回到“为你推荐”，就像你从未评价过一样（Delete 键）</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>显示：</translation>
    </message>
    <message>
        <source>catalog removed</source>
        <translation>商品目录已移除</translation>
    </message>
    <message>
        <source>1 item with feedback</source>
        <translation>1 件商品有反馈</translation>
    </message>
    <message>
        <source>{n} items with feedback</source>
        <translation>{n} 件商品有反馈</translation>
    </message>
    <message>
        <source>No feedback yet</source>
        <translation>还没有反馈</translation>
    </message>
    <message>
        <source>Took back feedback on 1 item</source>
        <translation>已撤回对 1 件商品的反馈</translation>
    </message>
    <message>
        <source>Took back feedback on {n} items</source>
        <translation>已撤回对 {n} 件商品的反馈</translation>
    </message>
</context>
<context>
    <name>FilterBar</name>
    <message>
        <source>All categories</source>
        <translation>所有类别</translation>
    </message>
    <message>
        <source>Search titles and categories</source>
        <translation>搜索商品名称和类别</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Lowest price</source>
        <translation>最低价格</translation>
    </message>
    <message>
        <source>Highest price</source>
        <translation>最高价格</translation>
    </message>
    <message>
        <source>Sort by</source>
        <translation>排序方式</translation>
    </message>
    <message>
        <source>Price and newest re-order your best matches</source>
        <translation>按价格或最新排序时，只重新排列与你最匹配的商品</translation>
    </message>
    <message>
        <source>Diversity</source>
        <translation>多样性</translation>
    </message>
    <message>
        <source>0: the closest matches only; higher: more variety</source>
        <translation>0：只显示最接近的匹配；越高：种类越多样</translation>
    </message>
    <message>
        <source>How many items to show</source>
        <translation>显示的商品数量</translation>
    </message>
    <message>
        <source>Show more</source>
        <translation>显示更多</translation>
    </message>
    <message>
        <source>Show more items</source>
        <translation>显示更多商品</translation>
    </message>
    <message>
        <source>Clear filters</source>
        <translation>清除筛选</translation>
    </message>
    <message>
        <source>Clear search and filters</source>
        <translation>清除搜索和筛选条件</translation>
    </message>
    <message>
        <source>Category:</source>
        <translation>类别：</translation>
    </message>
    <message>
        <source>Sort:</source>
        <translation>排序：</translation>
    </message>
    <message>
        <source>Price:</source>
        <translation>价格：</translation>
    </message>
    <message>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <source>Diversity:</source>
        <translation>多样性：</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>显示：</translation>
    </message>
    <message>
        <source>{category} ({n})</source>
        <translation>{category}（{n}）</translation>
    </message>
    <message>
        <source>Any</source>
        <translation>不限</translation>
    </message>
    <message>
        <source>Any: no limit</source>
        <translation>不限：没有限制</translation>
    </message>
</context>
<context>
    <name>ForYouPage</name>
    <message>
        <source>No photos indexed yet: add folders on the Library page to get personal recommendations</source>
        <translation>还没有为任何照片建立索引：在“照片库”页添加文件夹，即可获得个性化推荐</translation>
    </message>
    <message>
        <source>Your profile is still thin (1 photo): your likes and dislikes count for more until you add more photos on the Library page.</source>
        <translation>你的兴趣画像还很单薄（1 张照片）：在你于“照片库”页添加更多照片之前，你的喜欢和不喜欢会占更大比重。</translation>
    </message>
    <message>
        <source>Your profile is still thin ({n} photos): your likes and dislikes count for more until you add more photos on the Library page.</source>
        <translation>你的兴趣画像还很单薄（{n} 张照片）：在你于“照片库”页添加更多照片之前，你的喜欢和不喜欢会占更大比重。</translation>
    </message>
    <message>
        <source>Liked “{title}”.</source>
        <translation>已喜欢“{title}”。</translation>
    </message>
    <message>
        <source>Disliked “{title}”.</source>
        <translation>已标记为不喜欢“{title}”。</translation>
    </message>
    <message>
        <source>Hidden “{title}”.</source>
        <translation>已隐藏“{title}”。</translation>
    </message>
    <message>
        <source>Feedback removed from “{title}”.</source>
        <translation>已移除对“{title}”的反馈。</translation>
    </message>
    <message>
        <source>For You</source>
        <translation>为你推荐</translation>
    </message>
    <message>
        <source>Recommendation status</source>
        <translation>推荐状态</translation>
    </message>
    <message>
        <source>Your feedback…</source>
        <translation>你的反馈…</translation>
    </message>
    <message>
        <source>Your feedback: liked, disliked and hidden items</source>
        <translation>你的反馈：喜欢、不喜欢和已隐藏的商品</translation>
    </message>
    <message>
        <source>See and take back what you liked, disliked or hid</source>
        <translation>查看并撤回你喜欢、不喜欢或隐藏的商品</translation>
    </message>
    <message>
        <source>Card size</source>
        <translation>卡片大小</translation>
    </message>
    <message>
        <source>Card size (Ctrl + and Ctrl -)</source>
        <translation>卡片大小（Ctrl + 和 Ctrl -）</translation>
    </message>
    <message>
        <source>Card size:</source>
        <translation>卡片大小：</translation>
    </message>
    <message>
        <source>Ranking…</source>
        <translation>正在排序…</translation>
    </message>
    <message>
        <source>“{names}” is a demo: sample items with fictitious prices, shipped with visrec. Import a shop&apos;s catalog on the Catalogs page.</source>
        <translation>“{names}”是演示目录：随 visrec 附带的示例商品，价格均为虚构。可在“商品目录”页导入真实商店的目录。</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>1 item</source>
        <translation>1 件商品</translation>
    </message>
    <message>
        <source>{n} items</source>
        <translation>{n} 件商品</translation>
    </message>
    <message>
        <source>No catalog installed: import one on the Catalogs page.</source>
        <translation>尚未安装商品目录：请在“商品目录”页导入一个。</translation>
    </message>
    <message>
        <source>No items match this search and these filters: try “Clear filters”.</source>
        <translation>没有符合此搜索和筛选条件的商品：试试“清除筛选”。</translation>
    </message>
    <message>
        <source>Every item is hidden or disliked: take some back under “Your feedback”.</source>
        <translation>所有商品都已隐藏或被标记为不喜欢：可在“你的反馈”中撤回一些。</translation>
    </message>
    <message>
        <source>Your similar photos</source>
        <translation>你的相似照片</translation>
    </message>
    <message>
        <source>Undone: “{title}” is back as it was.</source>
        <translation>已撤销：“{title}”已恢复原状。</translation>
    </message>
</context>
<context>
    <name>ImageViewer</name>
    <message>
        <source>Viewer</source>
        <translation>查看器</translation>
    </message>
    <message>
        <source>Large image</source>
        <translation>大图</translation>
    </message>
    <message>
        <source>← Previous</source>
        <translation>← 上一张</translation>
    </message>
    <message>
        <source>Previous image</source>
        <translation>上一张图片</translation>
    </message>
    <message>
        <source>Next →</source>
        <translation>下一张 →</translation>
    </message>
    <message>
        <source>Next image</source>
        <translation>下一张图片</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Esc</source>
        <translation>Esc</translation>
    </message>
    <message>
        <source>{n} of {total}</source>
        <translation>第 {n}/{total} 张</translation>
    </message>
    <message>
        <source>No image</source>
        <translation>无图片</translation>
    </message>
    <message>
        <source>This image cannot be shown</source>
        <translation>无法显示此图片</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Library</source>
        <translation>照片库</translation>
    </message>
    <message>
        <source>Profile</source>
        <translation>兴趣画像</translation>
    </message>
    <message>
        <source>Catalogs</source>
        <translation>商品目录</translation>
    </message>
    <message>
        <source>Privacy</source>
        <translation>隐私</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Pages</source>
        <translation>页面</translation>
    </message>
    <message>
        <source>{page} (Ctrl+{n})</source>
        <translation>{page}（Ctrl+{n}）</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Add photo folder...</source>
        <translation>添加照片文件夹(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Import catalog...</source>
        <translation>导入商品目录(&amp;I)…</translation>
    </message>
    <message>
        <source>&amp;Rescan folders</source>
        <translation>重新扫描文件夹(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Lock</source>
        <translation>锁定(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Go</source>
        <translation>转到(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About visrec</source>
        <translation>关于 visrec(&amp;A)</translation>
    </message>
    <message>
        <source>Unlocked</source>
        <translation>已解锁</translation>
    </message>
</context>
<context>
    <name>RecommendationModel</name>
    <message>
        <source>match {percent}</source>
        <translation>匹配度 {percent}</translation>
    </message>
    <message>
        <source>{title}, {price}, {category}, liked</source>
        <translation>{title}，{price}，{category}，已喜欢</translation>
    </message>
    <message>
        <source>{title}, {price}, {category}</source>
        <translation>{title}，{price}，{category}</translation>
    </message>
</context>
<context>
    <name>UndoBar</name>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Undo the last feedback</source>
        <translation>撤销上一次反馈</translation>
    </message>
    <message>
        <source>Take it back (Ctrl+Z)</source>
        <translation>撤回（Ctrl+Z）</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Dismiss this message</source>
        <translation>关闭此消息</translation>
    </message>
</context>
<context>
    <name>about</name>
    <message>
        <source>Your photos are analysed on this computer only, what visrec learns is stored encrypted with your passphrase, and the app never opens a network connection.</source>
        <translation>你的照片只在这台电脑上分析，visrec 学到的一切都用你的密码加密保存，应用从不建立网络连接。</translation>
    </message>
    <message>
        <source>Apache-2.0 or BSD-3-Clause</source>
        <translation>Apache-2.0 或 BSD-3-Clause</translation>
    </message>
    <message>
        <source>not installed</source>
        <translation>未安装</translation>
    </message>
    <message>
        <source>Model: not available</source>
        <translation>模型：不可用</translation>
    </message>
    <message>
        <source>Model: {name} {version}, licence {licence}</source>
        <translation>模型：{name} {version}，许可证 {licence}</translation>
    </message>
    <message>
        <source>Private, offline visual recommendations.</source>
        <translation>私密、离线的视觉推荐。</translation>
    </message>
    <message>
        <source>visrec is licensed under {licence}.</source>
        <translation>visrec 以 {licence} 许可证发布。</translation>
    </message>
    <message>
        <source>Third-party software:</source>
        <translation>第三方软件：</translation>
    </message>
    <message>
        <source>Qt and PySide6 are used under the LGPL-3.0 as unmodified, replaceable libraries.</source>
        <translation>Qt 和 PySide6 依据 LGPL-3.0 以未经修改、可替换的库的形式使用。</translation>
    </message>
</context>
<context>
    <name>app</name>
    <message>
        <source>visrec is already open on this profile ({folder}).</source>
        <translation>visrec 已经在此用户档案（{folder}）上打开。</translation>
    </message>
    <message>
        <source>That window has been brought to the front.</source>
        <translation>该窗口已被切换到最前面。</translation>
    </message>
    <message>
        <source>Switch to that window, or close it first.</source>
        <translation>请切换到该窗口，或先将其关闭。</translation>
    </message>
    <message>
        <source>visrec is already open</source>
        <translation>visrec 已经打开</translation>
    </message>
</context>
<context>
    <name>worker</name>
    <message>
        <source>Something went wrong ({error}). Your data is safe; please try again.</source>
        <translation>出了点问题（{error}）。你的数据是安全的；请重试。</translation>
    </message>
</context>
</TS>
